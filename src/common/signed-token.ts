import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SecretService } from './secret.service.js';

/**
 * Compact signed tokens for links sent by email (unsubscribe, "your data"): `payload.signature`,
 * base64url, HMAC-SHA256 with a key per purpose, so a token made for one use never works for another.
 * No database row is needed, and every instance can check them.
 */
@Injectable()
export class SignedTokens {
  constructor(private readonly secrets: SecretService) {}

  sign(purpose: string, subject: string, expiresAt?: Date): string {
    const payload = Buffer.from(
      JSON.stringify(expiresAt ? { s: subject, e: Math.floor(expiresAt.getTime() / 1000) } : { s: subject }),
    ).toString('base64url');
    return `${payload}.${this.mac(purpose, payload)}`;
  }

  /** The subject, or null when the token is forged, for another purpose, malformed or expired. */
  verify(purpose: string, token: string, now: Date): string | null {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined || token.length > 512) return null;
    const expected = Buffer.from(this.mac(purpose, payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        s?: unknown;
        e?: unknown;
      };
      if (typeof body.s !== 'string') return null;
      if (typeof body.e === 'number' && body.e * 1000 < now.getTime()) return null;
      return body.s;
    } catch {
      return null;
    }
  }

  private mac(purpose: string, payload: string): string {
    return createHmac('sha256', this.secrets.keyFor(`link:${purpose}`))
      .update(payload)
      .digest('base64url');
  }
}
