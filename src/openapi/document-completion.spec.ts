import type { OpenAPIObject } from '@nestjs/swagger';
import { completeDocument } from './document-completion';

const REASONS = ['CARD_LOST', 'PASSBACK'];

function documentWith(operations: Record<string, Record<string, unknown>>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: operations,
    components: {
      schemas: {
        TapDto: { type: 'object', properties: { tapId: { type: 'string' }, hours: { $ref: '#/components/schemas/HoursDto' } } },
        HoursDto: { type: 'object', properties: { open: { type: 'string' } } },
        TapView: {
          type: 'object',
          properties: { reason: { type: 'string', nullable: true, enum: REASONS }, fareFen: { type: 'number' }, distanceKm: { type: 'number' } },
        },
        ReasonView: { type: 'object', properties: { reason: { type: 'string', enum: REASONS } } },
      },
    },
  } as unknown as OpenAPIObject;
}

const recordTap = {
  operationId: 'recordTap',
  requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/TapDto' } } } },
  responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/TapView' } } } } },
};
const listReasons = { operationId: 'listReasons', responses: { '200': { description: 'ok' } } };

describe('completeDocument', () => {
  it('adds the statuses every operation can answer (413 and 415 too: any request may carry a body), and X-Request-Id on every answer', () => {
    const document = completeDocument(documentWith({ '/taps': { post: recordTap }, '/reasons': { get: listReasons } }));
    const post = document.paths['/taps'].post!;
    const get = document.paths['/reasons'].get!;
    expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '413', '415', '429', '431', '503']);
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '413', '415', '429', '431', '503']);
    expect(Object.keys((get.responses['429'] as { headers: object }).headers)).toEqual(['Retry-After', 'X-Request-Id']);
    expect((get.responses['200'] as { headers: object }).headers).toEqual({ 'X-Request-Id': { $ref: '#/components/headers/RequestId' } });
  });

  it('closes the schemas request bodies use, nested ones included, and leaves answers open', () => {
    const schemas = completeDocument(documentWith({ '/taps': { post: recordTap } })).components!.schemas as Record<string, { additionalProperties?: boolean }>;
    expect([schemas.TapDto.additionalProperties, schemas.HoursDto.additionalProperties, schemas.TapView.additionalProperties]).toEqual([false, false, undefined]);
  });

  it('lists null in a nullable enum without touching the domain array it shares, and types …Fen as integer', () => {
    const schemas = completeDocument(documentWith({ '/taps': { post: recordTap } })).components!.schemas as Record<string, { properties: Record<string, { enum?: unknown[]; type?: string }> }>;
    expect(schemas.TapView.properties.reason.enum).toEqual(['CARD_LOST', 'PASSBACK', null]);
    expect(schemas.ReasonView.properties.reason.enum).toEqual(['CARD_LOST', 'PASSBACK']);
    expect(REASONS).toEqual(['CARD_LOST', 'PASSBACK']);
    expect([schemas.TapView.properties.fareFen.type, schemas.TapView.properties.distanceKm.type]).toEqual(['integer', 'number']);
  });

  it('drops the empty operationId Nest leaves on a route without Endpoint, so the lint and the contract test name it', () => {
    const document = completeDocument(documentWith({ '/taps': { post: { ...recordTap, operationId: '' } } }));
    expect('operationId' in document.paths['/taps'].post!).toBe(false);
  });
});
