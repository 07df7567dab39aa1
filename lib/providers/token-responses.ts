/** What the three token endpoints answer, and the id_token claims we show to the user. */
import * as z from 'zod/mini';

/** RFC 6749 §5.1 token response; providers add their own fields (see each provider's schema). */
export const TokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.positive()),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  id_token: z.optional(z.string().check(z.minLength(1))),
  scope: z.optional(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** RFC 6749 §5.2 error response, e.g. `{"error":"invalid_grant"}` when a refresh token is spent or revoked. */
export const OAuthErrorSchema = z.object({
  error: z.string().check(z.minLength(1)),
  error_description: z.optional(z.string()),
});
export type OAuthError = z.infer<typeof OAuthErrorSchema>;

/** The claims we use. Xero adds xero_userid and global_session_id; QuickBooks and Xero both send email. */
export const IdTokenClaimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  iss: z.optional(z.string()),
  aud: z.optional(z.union([z.string(), z.array(z.string())])),
  exp: z.optional(z.number()),
  iat: z.optional(z.number()),
  email: z.optional(z.string()),
  given_name: z.optional(z.string()),
  family_name: z.optional(z.string()),
  name: z.optional(z.string()),
  xero_userid: z.optional(z.string()),
});
export type IdTokenClaims = z.infer<typeof IdTokenClaimsSchema>;

/**
 * Reads the id_token's payload WITHOUT checking its signature. That is acceptable only because we use the claims
 * for display and to look the user up in the organisation (never to grant anything), and the token came straight
 * from the provider's token endpoint over TLS (OpenID Connect Core §3.1.3.7). Returns undefined if unreadable.
 */
export function decodeIdTokenClaims(idToken: string): IdTokenClaims | undefined {
  const payload = idToken.split('.')[1];
  if (!payload || payload.length > 16_384) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const parsed = IdTokenClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
