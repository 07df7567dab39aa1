/** FreeAgent responses we read. Every FreeAgent API call needs a User-Agent header. */
import { z } from 'zod';
import { TokenResponseSchema } from './oauth';

/** GET {api}/company */
export const FreeAgentCompanyResponseSchema = z.object({
  company: z.object({
    url: z.string().min(1),
    name: z.string(),
    subdomain: z.string().optional(),
    type: z.string().optional(),
    currency: z.string().optional(),
  }),
});
export type FreeAgentCompany = z.infer<typeof FreeAgentCompanyResponseSchema>['company'];

/** GET {api}/users/me — permission_level 0 (no access) … 8 (full); bills need 5. */
export const FreeAgentUserResponseSchema = z.object({
  user: z.object({
    url: z.string().min(1),
    email: z.string(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    role: z.string().optional(),
    permission_level: z.number().int().min(0).max(8),
  }),
});
export type FreeAgentUser = z.infer<typeof FreeAgentUserResponseSchema>['user'];

/** FreeAgent's token response; refresh tokens rotate and live about 20 years. */
export const FreeAgentTokenResponseSchema = TokenResponseSchema.extend({
  refresh_token: z.string().min(1),
  refresh_token_expires_in: z.number().positive().optional(),
});

const ErrorMessage = z.object({ message: z.string() });

/** `{"errors":{"error":{"message":"…"}}}` (auth) or `{"errors":[{"message":"…"}]}` (validation). */
export const FreeAgentErrorSchema = z
  .object({ errors: z.union([z.object({ error: ErrorMessage }), z.array(ErrorMessage).min(1)]) })
  .transform(({ errors }) => (Array.isArray(errors) ? errors.map((e) => e.message) : [errors.error.message]));
