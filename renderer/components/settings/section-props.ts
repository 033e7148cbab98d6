import type { FieldErrors } from '../../lib/error-text';
import type { SettingsDraft } from '../../settings/settings-form';

/** What every settings section gets: the draft, the errors by settings path, and a way to edit. */
export interface SectionProps {
  draft: SettingsDraft;
  errors: FieldErrors;
  edit: (patch: Partial<SettingsDraft>, paths?: string[]) => void;
}
