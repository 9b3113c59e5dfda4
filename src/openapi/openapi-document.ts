import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorView } from '../common/error.views';
import { completeDocument } from './document-completion';

/**
 * The OpenAPI document of the service, built from the controllers' and DTOs' decorators
 * (`Endpoint` in ./endpoint.ts, `ApiErrors` in src/common/error.views.ts), then completed with
 * what every operation shares (./document-completion.ts). Served at /docs-json; linted by
 * `npm run lint:openapi`; every e2e exchange is checked against it (test/support/openapi-contract.ts).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OneCard Simulator')
      .setDescription(
        'Back office in miniature of the Sichuan–Chongqing one-card scheme (一卡走川渝). Every error answers the one ' +
          '`ErrorView` body; money is integer fen; timestamps are ISO 8601 with an offset.',
      )
      .setVersion('1')
      .setLicense('UNLICENSED', 'https://spdx.org/licenses/')
      .addServer('/', 'the service that serves this document')
      // addSecurity, not addBearerAuth: that one adds bearerFormat: JWT, and these keys are not JWTs.
      .addSecurity('bearer', { type: 'http', scheme: 'bearer', description: 'an admin key (ADMIN_API_KEYS) or a terminal key (POST /terminals), an opaque string' })
      // In the order of SPEC's sections, so /docs reads like the contract.
      .addTag('cards', 'The card registry: issue, report lost, replace, top up (SPEC §2)')
      .addTag('venues', 'The venue whitelist (应用清单) and its audit trail (SPEC §3)')
      .addTag('taps', 'Tap decisions, the journal, decline reasons and metro journeys (SPEC §4)')
      .addTag('terminals', 'Terminals and their keys (SPEC §3)')
      .addTag('whitelist', 'Parameter download for terminals: whitelist and hotlist (SPEC §3)')
      .addTag('money', 'Fare rules and clearing (SPEC §5)')
      .addTag('simulation', 'Integration-test tools; absent with SIM_API=false (SPEC §6)')
      .addTag('operations', 'Health and metrics, without a key (SPEC §7)')
      .build(),
    // No made-up operationIds (Nest's default is `Controller_method`): each one comes from Endpoint.
    { extraModels: [ErrorView], operationIdFactory: () => '' },
  );
  return completeDocument(document);
}
