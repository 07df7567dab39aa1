/** FreeAgent responses we read. Every FreeAgent API call needs a User-Agent header. */
import * as z from 'zod/mini';
import { TokenResponseSchema } from './token-responses';

/** GET {api}/company */
export const FreeAgentCompanyResponseSchema = z.object({
  company: z.object({
    url: z.string().check(z.minLength(1)),
    name: z.string(),
    subdomain: z.optional(z.string()),
    type: z.optional(z.string()),
    currency: z.optional(z.string()),
  }),
});
export type FreeAgentCompany = z.infer<typeof FreeAgentCompanyResponseSchema>['company'];

/** GET {api}/users/me — permission_level 0 (no access) … 8 (full); bills need 5. */
export const FreeAgentUserResponseSchema = z.object({
  user: z.object({
    url: z.string().check(z.minLength(1)),
    email: z.string(),
    first_name: z.optional(z.string()),
    last_name: z.optional(z.string()),
    role: z.optional(z.string()),
    permission_level: z.int().check(z.minimum(0), z.maximum(8)),
  }),
});
export type FreeAgentUser = z.infer<typeof FreeAgentUserResponseSchema>['user'];

/** FreeAgent's token response; refresh tokens rotate and live about 20 years. */
export const FreeAgentTokenResponseSchema = z.extend(TokenResponseSchema, {
  refresh_token: z.string().check(z.minLength(1)),
  refresh_token_expires_in: z.optional(z.number().check(z.positive())),
});

const ErrorMessage = z.object({ message: z.string() });

/** `{"errors":{"error":{"message":"…"}}}` (auth) or `{"errors":[{"message":"…"}]}` (validation). */
const FreeAgentErrorSchema = z.object({
  errors: z.union([z.object({ error: ErrorMessage }), z.array(ErrorMessage).check(z.minLength(1))]),
});

/** The messages of a FreeAgent error body, or undefined when the body is not one. */
export function readFreeAgentErrors(json: unknown): string[] | undefined {
  const parsed = FreeAgentErrorSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { errors } = parsed.data;
  return Array.isArray(errors) ? errors.map((e) => e.message) : [errors.error.message];
}
