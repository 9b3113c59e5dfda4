import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FieldError } from '../common/errors';
import { flattenValidationErrors } from '../common/validation';
import { CreateVenueDto } from './dto/venue.dto';
import { venueFieldErrors } from './venue-rules';

export type VenueInputCheck = { ok: true; venue: CreateVenueDto } | { ok: false; errors: FieldError[] };

/**
 * Validates one venue given as plain data (seed file, import row) exactly as `POST /venues`
 * validates its body: field shapes, unknown fields, then the rules across fields.
 */
export function checkVenueInput(plain: unknown): VenueInputCheck {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: '', message: 'a venue must be an object' }] };
  }
  const venue = plainToInstance(CreateVenueDto, plain);
  const shapeErrors = flattenValidationErrors(validateSync(venue, { whitelist: true, forbidNonWhitelisted: true }));
  if (shapeErrors.length > 0) return { ok: false, errors: shapeErrors };
  const ruleErrors = venueFieldErrors(venue);
  return ruleErrors.length > 0 ? { ok: false, errors: ruleErrors } : { ok: true, venue };
}
