import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startSimulator } from '../../src/embed';
import { ServiceClient } from '../service-client';
import { junitXml } from './junit';
import { FileResult, runScenario } from './run-scenario';
import { checkScenario, Scenario, ScenarioMistake } from './scenario-file';

export interface RunOptions {
  /** Files, or directories whose .yaml, .yml and .json files are taken (sorted). */
  paths: string[];
  /** A running service (it is reset before each file); absent: a private simulator in this process. */
  url?: string;
  adminKey?: string;
  junit?: string;
  /** Configuration of the private simulator (e.g. DATABASE_URL). */
  simulatorEnv?: Record<string, string>;
  print?: (line: string) => void;
}

export interface RunOutcome {
  /** 0 every step passed; 1 a step failed; 2 a file was not a valid scenario (nothing ran). */
  exitCode: 0 | 1 | 2;
  mistakes: ScenarioMistake[];
  results: FileResult[];
}

const SCENARIO_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function scenarioFiles(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path, { throwIfNoEntry: false })?.isDirectory()
      ? readdirSync(path).filter((name) => SCENARIO_EXTENSIONS.has(extname(name))).sort().map((name) => join(path, name))
      : [path],
  );
}

/** Reads and checks one file: YAML (JSON is YAML too), then the scenario format. */
function load(file: string): { scenario: Scenario } | { mistakes: ScenarioMistake[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { mistakes: [{ file, step: null, field: '(file)', message: 'cannot be read' }] };
  }
  let parsed: unknown;
  try {
    parsed = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    return { mistakes: [{ file, step: null, field: '(file)', message: `is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}` }] };
  }
  const check = checkScenario(parsed, file);
  return check.ok ? { scenario: check.scenario } : { mistakes: check.mistakes };
}

const where = (m: ScenarioMistake) => `${m.file}: ${m.step === null ? '' : `step ${m.step}: `}${m.field} ${m.message}`;

/** Checks every file whole, then runs them one after another, each from a fresh state. */
export async function runScenarioFiles(options: RunOptions): Promise<RunOutcome> {
  const print = options.print ?? ((line: string) => console.log(line));
  const files = scenarioFiles(options.paths);
  const loaded = files.map((file) => ({ file, ...load(file) }));
  const mistakes = loaded.flatMap((entry) => ('mistakes' in entry ? entry.mistakes : []));
  if (files.length === 0) mistakes.push({ file: '(arguments)', step: null, field: 'FILE', message: 'names no scenario file' });
  if (mistakes.length > 0) {
    print(`${mistakes.length} mistake(s) in the scenario files; nothing was run:`);
    for (const mistake of mistakes) print(`  ${where(mistake)}`);
    return { exitCode: 2, mistakes, results: [] };
  }

  const simulator = options.url ? null : await startSimulator({ env: options.simulatorEnv ?? {} });
  const client = new ServiceClient(options.url ?? (simulator as { url: string }).url, options.adminKey ?? simulator?.adminKey ?? 'dev-admin-key', 4);
  const results: FileResult[] = [];
  try {
    for (const entry of loaded) {
      const result = await runScenario(client, (entry as { scenario: Scenario }).scenario, relative(process.cwd(), entry.file) || entry.file);
      results.push(result);
      const failed = result.steps.filter((step) => step.failure !== null);
      print(`${failed.length === 0 ? '✓' : '✗'} ${result.file}: ${result.name} (${result.steps.length} steps${failed.length ? `, ${failed.length} failed` : ''})`);
      for (const step of failed) {
        print(`    step ${step.number} (${step.title}):`);
        for (const line of (step.failure as string).split('\n')) print(`      ${line}`);
      }
    }
  } finally {
    client.close();
    await simulator?.close();
  }
  if (options.junit) writeFileSync(options.junit, junitXml(results));
  const failedSteps = results.reduce((sum, result) => sum + result.steps.filter((step) => step.failure !== null).length, 0);
  const steps = results.reduce((sum, result) => sum + result.steps.length, 0);
  print(`${results.length} scenario(s), ${steps} step(s), ${failedSteps} failed`);
  return { exitCode: failedSteps > 0 ? 1 : 0, mistakes: [], results };
}
