import { BadInputError, ConflictError, GoneError } from '../common/errors.js';
import type { SignLetterDto } from './dto/sign-letter.dto.js';
import type { LetterActionStatus } from './letter-action.entity.js';
import type { SigningLetter } from './letter-actions.service.js';

// An SQL/JavaScript twin, the two side by side and tested as a pair (test/twins.e2e-spec.ts): the SQL
// decides inside the one-statement sign (letters.sql.ts), the JavaScript says why a signature was
// refused. A module of its own so the SQL builders can use it without importing the service.

/** Why a letter takes no signature: the code of the 409, 410 or 400. */
export type SignRefusalCode = 'letter_not_open' | 'letter_deadline_passed' | 'personal_note_not_allowed';

export class SignatureClosedError extends ConflictError {
  declare readonly code: Extract<SignRefusalCode, 'letter_not_open'>;
  constructor(status: LetterActionStatus) {
    super(`This letter is ${status} and does not take signatures`, 'letter_not_open');
  }
}

export class SignatureDeadlinePassedError extends GoneError {
  declare readonly code: Extract<SignRefusalCode, 'letter_deadline_passed'>;
  constructor() {
    super('The deadline to sign this letter has passed', 'letter_deadline_passed');
  }
}

/**
 * {@link assertSignable}'s rule as SQL over the letter `x` at `now` for the submitted `note`: true while
 * it takes that signature. The two are tested as a pair (test/twins.e2e-spec.ts).
 */
export function signableSql(x: string, now: string, note: string): string {
  return `${x}.status = 'open' AND (${x}.deadline IS NULL OR ${x}.deadline > ${now})
                  AND (NULLIF(${note}, '') IS NULL OR ${x}.allow_personal_note)`;
}

/** Why a letter takes no signature at `now` (throws); {@link signableSql} is the same rule in SQL. */
export function assertSignable(
  action: Pick<SigningLetter, 'status' | 'deadline' | 'allowPersonalNote'>,
  dto: Pick<SignLetterDto, 'personalNote'>,
  now: Date,
): void {
  if (action.status !== 'open') throw new SignatureClosedError(action.status);
  if (action.deadline && now.getTime() >= action.deadline.getTime()) {
    throw new SignatureDeadlinePassedError();
  }
  if (dto.personalNote && !action.allowPersonalNote) {
    throw BadInputError.field(
      'personalNote',
      'personal_note_not_allowed' satisfies SignRefusalCode,
      'This letter takes no personal note',
    );
  }
}
