import { CheckboxField } from '../form/Field';
import type { SectionProps } from './section-props';

export function StartupSection({ draft, errors, edit }: SectionProps) {
  return (
    <fieldset className="settings-section">
      <legend>Startup and notifications</legend>
      <CheckboxField
        label="Start the relay when the panel opens"
        checked={draft.startRelayOnLaunch}
        error={errors.startRelayOnLaunch}
        onChange={(v) => edit({ startRelayOnLaunch: v })}
        testId="field-start-on-launch"
      />
      <CheckboxField
        label="Open Sprint Control at login"
        hint="Desktop app only; headless mode is started by your service manager."
        checked={draft.startAtLogin}
        error={errors.startAtLogin}
        onChange={(v) => edit({ startAtLogin: v })}
      />
      <CheckboxField
        label="Notifications"
        hint="Crashes, crash loops and SLA breaches as desktop notifications."
        checked={draft.notifications}
        error={errors.notifications}
        onChange={(v) => edit({ notifications: v })}
        testId="field-notifications"
      />
    </fieldset>
  );
}
