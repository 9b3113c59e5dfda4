/**
 * `npm run scenario -- FILE... [--url URL] [--admin-key KEY] [--junit OUT.xml]`: runs scenario
 * files (JSON or YAML) against a private simulator, or the service at URL (reset before each
 * file). Exit code 0 when every step passed, 1 when one failed, 2 when a file is not a valid
 * scenario (then nothing runs).
 */
import { runScenarioFiles } from './run-files';

const USAGE = 'usage: npm run scenario -- FILE|DIR... [--url URL] [--admin-key KEY] [--junit OUT.xml]';

function parseArguments(argv: string[]): { paths: string[]; url?: string; adminKey?: string; junit?: string } {
  const paths: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (['--url', '--admin-key', '--junit'].includes(argument)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`${argument} needs a value\n${USAGE}`);
      flags[argument] = value;
    } else if (argument.startsWith('--')) {
      throw new Error(`unknown option ${argument}\n${USAGE}`);
    } else {
      paths.push(argument);
    }
  }
  if (flags['--url'] !== undefined && !/^https?:\/\/[^\s]+$/.test(flags['--url'])) throw new Error(`--url must be an http(s) URL\n${USAGE}`);
  return { paths, url: flags['--url'], adminKey: flags['--admin-key'] ?? process.env.ADMIN_API_KEY, junit: flags['--junit'] };
}

async function main(): Promise<void> {
  const outcome = await runScenarioFiles(parseArguments(process.argv.slice(2)));
  process.exitCode = outcome.exitCode;
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 2;
});
