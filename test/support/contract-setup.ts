import { takeViolations } from './openapi-contract';

/**
 * Fails the test whose requests broke the OpenAPI contract (test/support/openapi-contract.ts),
 * naming each exchange and what to change. Registered for every e2e spec by jest.config.js.
 */
function failOnViolations(when: string): void {
  const found = takeViolations();
  if (found.length === 0) return;
  const distinct = [...new Map(found.map((v) => [`${v.method} ${v.path} ${v.status} ${v.problem}`, v])).values()];
  throw new Error(
    [
      `${found.length} exchange(s) ${when} are not described by the OpenAPI document (GET /docs-json).`,
      'Document them in the controller decorators (src/openapi/endpoint.ts, src/common/error.views.ts) or fix the service:',
      ...distinct.slice(0, 20).map((v) => `  ${v.method} ${v.path} → ${v.status}: ${v.problem}`),
      ...(distinct.length > 20 ? [`  … and ${distinct.length - 20} more`] : []),
    ].join('\n'),
  );
}

afterEach(() => failOnViolations('in this test'));
afterAll(() => failOnViolations('in beforeAll/afterAll hooks of this file'));
