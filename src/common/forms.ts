/**
 * The forms of the identifiers the API reads and answers (SPEC §2–§4), each defined once for the
 * validators, the cursors and the OpenAPI document.
 */

/** tapId, itemId, a top-up reference, a request id: 1–64 of [A-Za-z0-9._:-]. */
export const TOKEN_FORM = /^[A-Za-z0-9._:-]{1,64}$/;
/** A card number: 9 of [A-Z0-9]. */
export const CARD_NUMBER_FORM = /^[A-Z0-9]{9}$/;
/** A venue code or a fare network: 3–32 of [A-Z0-9-]. */
export const CODE_FORM = /^[A-Z0-9-]{3,32}$/;
