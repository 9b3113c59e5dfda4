import type { FileResult } from './run-scenario';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML for CI: one testsuite per scenario file, one testcase per step. */
export function junitXml(results: FileResult[]): string {
  const failures = (result: FileResult) => result.steps.filter((step) => step.failure !== null).length;
  const suites = results.map((result) => {
    const cases = result.steps.map((step) => {
      const name = escape(`step ${step.number}: ${step.title}`);
      const classname = escape(result.name);
      if (step.failure === null) return `    <testcase name="${name}" classname="${classname}"/>`;
      return `    <testcase name="${name}" classname="${classname}">\n      <failure message="${escape(step.failure.split('\n')[0])}">${escape(step.failure)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${escape(result.name)}" file="${escape(result.file)}" tests="${result.steps.length}" failures="${failures(result)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = results.reduce((sum, result) => sum + result.steps.length, 0);
  const failed = results.reduce((sum, result) => sum + failures(result), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scenarios" tests="${total}" failures="${failed}">\n${suites.join('\n')}\n</testsuites>\n`;
}
