import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { BadInputError, type ErrorDetail } from './errors.js';

/** class-validator's errors flattened to `{field, code, message}`, with dotted paths for nested DTOs. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({ field, code: rule === 'whitelistValidation' ? 'unknown_field' : rule, message });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const fields = [...new Set(details.map((d) => d.field))];
      return new BadInputError(`Invalid input: ${fields.join(', ')}`, details, 'validation_failed');
    },
  });
}
