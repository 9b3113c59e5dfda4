import type { FieldError } from '../common/errors';
import { unsafeInputErrors } from '../common/input-safety';
import { mergeFieldErrors, validatePlain } from '../common/validation';
import { CreateVenueDto } from './dto/venue.dto';
import { venueFieldErrors } from './venue-rules';

export type VenueInputCheck = { ok: true; venue: CreateVenueDto } | { ok: false; errors: FieldError[] };

/**
 * Validates one venue given as plain data (seed file, import row) exactly as `POST /venues`
 * validates its body: field shapes, unknown fields, then the rules across fields.
 */
export function checkVenueInput(plain: unknown): VenueInputCheck {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: '', constraint: 'type', message: 'a venue must be an object' }] };
  }
  // Control characters, lone surrogates and prototype keys, as the validation pipe checks a body.
  const unsafe = unsafeInputErrors(plain, 'body');
  const { instance: venue, errors } = validatePlain(CreateVenueDto, plain);
  const shapeErrors = mergeFieldErrors(unsafe, errors);
  if (shapeErrors.length > 0) return { ok: false, errors: shapeErrors };
  const ruleErrors = venueFieldErrors(venue);
  return ruleErrors.length > 0 ? { ok: false, errors: ruleErrors } : { ok: true, venue };
}
