import path from 'node:path';
import { describeIssues } from '../shared/api';
import { ProfileName } from '../shared/profile';
import { usage, type Parsed } from './args';
import type { Planned } from './run-context';
import { EXIT } from './exit-codes';
import { readInput, writeOutput } from './files';
import { columns } from './output';

function nameArg(text: string | undefined, what: string): string {
  const name = ProfileName.safeParse(text);
  if (!name.success) throw usage(`${what}: ${describeIssues(name.error).replace(/^\(root\): /, '')}`);
  return name.data;
}

/** profile import|export|list|apply: the seed configuration file and deployment profiles. */
export function profile(words: string[], values: Parsed['values']): Planned {
  const [action, argument, ...rest] = words;
  if (rest.length > 0) throw usage('Too many arguments for profile.');
  if (action === 'import') {
    if (!argument) throw usage('Usage: sprint-control profile import FILE');
    const text = readInput(argument);
    return async ({ panel, out }) => {
      const result = await panel.call('profile.import', { text });
      out.result(result, () =>
        result.kind === 'applied'
          ? `Applied: tier ${result.config.tier} with the file's overrides.`
          : `Saved profile "${result.profile.name}" (${result.profile.tier})${result.replaced ? ', replacing the old one' : ''}.`,
      );
      return EXIT.ok;
    };
  }
  if (action === 'export') {
    if (argument) throw usage('Usage: sprint-control profile export [--name NAME] [-o FILE]');
    const name = values.name === undefined ? undefined : nameArg(values.name, '--name');
    return async ({ panel, out }) => {
      const result = await panel.call('profile.export', name === undefined ? {} : { name });
      if (values.output) {
        writeOutput(values.output, result.text);
        out.result({ ...result, savedTo: path.resolve(values.output) }, () => `Wrote ${values.output}.`);
      } else {
        // The file itself is the output; --json wraps it with its suggested file name.
        out.result(result, () => result.text.trimEnd());
      }
      return EXIT.ok;
    };
  }
  if (action === 'list' && !argument) {
    return async ({ panel, out }) => {
      const state = await panel.call('profile.state', {});
      out.result(state, () =>
        columns([
          ['', 'PROFILE', 'TIER', 'OVERRIDES'],
          ...state.profiles.map((p) => [
            p.name === state.active ? '*' : '',
            p.name,
            p.tier,
            String(Object.keys(p.overrides).length),
          ]),
        ]),
      );
      return EXIT.ok;
    };
  }
  if (action === 'apply') {
    const name = nameArg(argument, 'profile apply NAME');
    return async ({ panel, out }) => {
      const result = await panel.call('profile.apply', { name });
      out.result(result, () => `Applied profile "${name}": tier ${result.switch.to}.`);
      return EXIT.ok;
    };
  }
  throw usage('Usage: sprint-control profile import|export|list|apply');
}
