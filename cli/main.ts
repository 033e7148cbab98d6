// sprint-control: the panel's typed API from the command line, for scripts and CI (README,
// "Command-line client"). Talks to a running headless panel over its WebSocket.
import { ApiError } from '../shared/api';
import { intOption, parse } from './args';
import { planCommand, usageText } from './commands';
import { DEFAULT_TIMEOUT_S, findPanel, openPanel, type PanelConnection } from './connection';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { createOutput } from './output';

export async function run(argv: readonly string[]): Promise<ExitCode> {
  const json = argv.includes('--json');
  const out = createOutput(json);
  const fail = (code: ExitCode, message: string, apiCode?: string): ExitCode => {
    if (json) out.result({ error: { exit: code, code: apiCode ?? null, message } }, () => '');
    out.note(`sprint-control: ${message}${apiCode ? ` (${apiCode})` : ''}`);
    return code;
  };
  let panel: PanelConnection | null = null;
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const parsed = parse(argv);
    if (parsed.values.help || parsed.positionals.length === 0) {
      process.stdout.write(`${usageText()}\n`);
      return parsed.values.help ? EXIT.ok : EXIT.usage;
    }
    const command = planCommand(parsed);
    const timeoutS = intOption(parsed.values.timeout, 'timeout', DEFAULT_TIMEOUT_S)!;
    if (timeoutS < 1 || timeoutS > 86_400)
      throw new CliError(EXIT.usage, `--timeout must be 1-86400 seconds, got ${timeoutS}.`);
    const target = findPanel({
      url: parsed.values.url,
      token: parsed.values.token,
      tokenFile: parsed.values['token-file'],
      dataDir: parsed.values['data-dir'],
    });
    panel = await openPanel(target, timeoutS * 1000);
    return await command({ panel, target, out, signal: controller.signal });
  } catch (error) {
    if (error instanceof CliError) return fail(error.exitCode, error.message, error.code);
    if (error instanceof ApiError) {
      if (error.code === 'CANCELLED' && controller.signal.aborted)
        return fail(EXIT.interrupted, 'Interrupted; cancelled on the panel.', error.code);
      return fail(EXIT.failed, error.message, error.code);
    }
    return fail(EXIT.failed, error instanceof Error ? error.message : String(error));
  } finally {
    process.off('SIGINT', onInterrupt);
    panel?.close();
  }
}

const code = await run(process.argv.slice(2));
process.exitCode = code;
