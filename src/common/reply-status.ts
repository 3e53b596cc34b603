import type { FastifyReply } from 'fastify';

/** Public submissions answer 201 the first time and 200 with the existing record on a repeat. */
export function createdOrExisting<T extends { status: 'created' | 'existing' }>(
  reply: FastifyReply,
  body: T,
): T {
  void reply.status(body.status === 'created' ? 201 : 200);
  return body;
}
