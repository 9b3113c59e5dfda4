import { DomainError } from './errors';
import { MAX_JSON_DEPTH, parseJsonBody, structureErrors } from './json-body';
import { isNameableKey, unsafeInputErrors } from './input-safety';

const detailsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.details?.map((d) => [d.field, d.constraint]);
    throw error;
  }
  return undefined;
};

describe('parseJsonBody', () => {
  it('parses JSON, an empty body as none', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,{"b":"x"}]}'))).toEqual({ a: [1, { b: 'x' }] });
    expect(parseJsonBody(Buffer.from('  '))).toBeUndefined();
  });

  it.each([[[0xff, 0xfe]], [[0xc0, 0xaf]], [[0xed, 0xa0, 0x80]], [[0xe5, 0xbc]]])('rejects invalid UTF-8 %j', (bytes) => {
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
    expect(detailsOf(() => parseJsonBody(body))).toEqual([['body', 'encoding']]);
  });

  it('bounds nesting, naming where it went too deep', () => {
    expect(detailsOf(() => parseJsonBody(Buffer.from(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)))).toBeUndefined();
    const deep = `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(detailsOf(() => parseJsonBody(Buffer.from(deep)))).toEqual([[`a${'[0]'.repeat(MAX_JSON_DEPTH - 1)}`, 'nesting']]);
  });

  it('rejects malformed JSON as format', () => {
    expect(detailsOf(() => parseJsonBody(Buffer.from('{"a":')))).toEqual([['body', 'format']]);
  });
});

describe('structureErrors', () => {
  it('finds keys given twice in one object, at their path, escaped or not', () => {
    expect(structureErrors('{"a":1,"a":2}')).toMatchObject([{ field: 'a', constraint: 'duplicateField' }]);
    expect(structureErrors('{"x":[{"a":1},{"a":1,"\\u0061":2}]}')).toMatchObject([{ field: 'x[1].a' }]);
    expect(structureErrors('{"a":{"b":1},"b":{"b":1}}')).toEqual([]);
    expect(structureErrors('{"s":"a\\"b,\\"s\\":1","t":"\\\\"}')).toEqual([]);
  });

  it('never names a key that does not read as a field name', () => {
    expect(structureErrors('{"510104199001011234":1,"510104199001011234":2}')).toMatchObject([{ field: 'body' }]);
  });
});

describe('unsafeInputErrors', () => {
  it('finds control characters, lone surrogates and prototype keys', () => {
    expect(unsafeInputErrors({ a: 'x\u0000', b: ['\ud800'], c: { constructor: 1 }, d: '😀\u00e9' }, 'body').map((e) => [e.field, e.constraint])).toEqual([
      ['a', 'controlCharacter'],
      ['b[0]', 'encoding'],
      ['c.constructor', 'unknownField'],
    ]);
  });

  it('names plain identifiers only', () => {
    expect(['ssn', 'amountFen', '_x'].map(isNameableKey)).toEqual([true, true, true]);
    expect(['510104199001011234', 'a b', 'X12345', '', 'a'.repeat(65)].map(isNameableKey)).toEqual([false, false, false, false, false]);
  });
});
