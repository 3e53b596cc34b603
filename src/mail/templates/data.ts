/**
 * Reading a template's `data`. Callers pass plain strings and numbers already formatted (dates rendered
 * in the right zone, money with its currency); a missing or mistyped field is a bug in the caller, so it
 * stops the render with a message naming the template and the field instead of mailing "undefined".
 */
export class TemplateDataError extends Error {
  constructor(
    readonly template: string,
    readonly field: string,
    problem: string,
  ) {
    super(
      field ? `Mail template ${template}: data.${field} ${problem}` : `Mail template ${template} ${problem}`,
    );
    this.name = 'TemplateDataError';
  }
}

export type MailLocale = 'en' | 'es';
export const MAIL_LOCALES: readonly MailLocale[] = ['en', 'es'];

export function isMailLocale(value: unknown): value is MailLocale {
  return value === 'en' || value === 'es';
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export class TemplateData {
  constructor(
    private readonly template: string,
    private readonly data: Record<string, unknown>,
  ) {}

  private fail(field: string, problem: string): never {
    throw new TemplateDataError(this.template, field, problem);
  }

  /** A non-empty string. */
  str(field: string): string {
    const v = this.data[field];
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, 'must be a non-empty string');
    return v.trim();
  }

  /** A non-empty string, or nothing (`undefined`, `null` and '' all mean nothing). */
  optStr(field: string): string | undefined {
    const v = this.data[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') this.fail(field, 'must be a string when given');
    return v.trim() || undefined;
  }

  /** A whole number ≥ 0 (a number, or a string of digits). */
  count(field: string): number {
    const v = this.data[field];
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      this.fail(field, 'must be a whole number ≥ 0');
    return n;
  }

  optCount(field: string): number | undefined {
    const v = this.data[field];
    return v === undefined || v === null ? undefined : this.count(field);
  }

  /** An absolute http(s) URL (never `javascript:` or a relative path). */
  url(field: string): string {
    const v = this.str(field);
    if (!isHttpUrl(v)) this.fail(field, 'must be an absolute http(s) URL');
    return v;
  }

  optUrl(field: string): string | undefined {
    return this.optStr(field) === undefined ? undefined : this.url(field);
  }

  optBool(field: string): boolean {
    const v = this.data[field];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(field, 'must be true or false when given');
    return v;
  }

  /** A list of non-empty strings (may be empty). */
  strList(field: string): string[] {
    const v = this.data[field];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === ''))
      this.fail(field, 'must be a list of non-empty strings');
    return (v as string[]).map((s) => s.trim());
  }
}
