/**
 * The settings that decide who may call what: authentication, browser access and the switches
 * that mount development-only routes. Kept apart from `Config` so the auth secret never travels
 * with the tunables.
 */
import { z } from "zod";
import { onOff, optionalText, originList, secretText, url } from "./fields";

/** The fields of `AccessConfig`. */
export const ACCESS_FIELDS = {
  authSecret: secretText(
    "AUTH_SECRET",
    "HS256 key for user tokens (at least 32 characters); unset = every authenticated route answers 503.",
  ),
  issuer: optionalText("AUTH_ISSUER", "Required `iss` claim of user tokens, when set."),
  audience: optionalText("AUTH_AUDIENCE", "Required `aud` claim of user tokens, when set."),
  jwksUrl: url(
    "AUTH_JWKS_URL",
    "JWKS endpoint of an identity provider: RS256/ES256 user tokens are verified against its keys; unset = HS256 only.",
  ),
  corsOrigins: originList(
    "CORS_ORIGINS",
    "Origins allowed by CORS, comma-separated; `http://localhost:*` = any port; `*` only when set so; unset = none.",
  ),
  devTokens: onOff("DEV_TOKENS", "`on`: `GET /dev/token` exists, on localhost only. Local development only."),
};

/** Parses the access settings. */
export const ACCESS_SCHEMA = z.object(ACCESS_FIELDS);
