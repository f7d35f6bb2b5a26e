/** The local API's section of the configuration: where it listens, who may read its details, body limits; and its accounts' tokens and login throttling. */
import { z } from 'zod';
import { cidr, hostname, port } from './common.js';

export const httpSchema = z
  .strictObject({
    host: hostname
      .default('127.0.0.1')
      .describe(
        'Address the local API and console listen on; loopback unless a TLS proxy or the venue network must reach it.',
      ),
    trusted: z
      .array(cidr)
      .max(256)
      .default([])
      .describe(
        'Addresses / CIDRs (a monitoring server) that may read /metrics and the details of /health; loopback always may.',
      ),
    port: port.default(8080).describe('Port of the local API and console.'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest JSON request body; bigger bodies get 413 before they are read whole.'),
    maxSampleBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(20 * 1024 * 1024)
      .describe('Largest sound sample upload (audio file plus form fields).'),
    maxSongBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(100 * 1024 * 1024)
      .describe('Largest song import (audio file plus form fields).'),
  })
  .prefault({});

export const authSchema = z
  .strictObject({
    jwtSecret: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe(
        "Signs the API's tokens (HS256). Secret: never printed or logged. Generated and kept in the store when unset.",
      ),
    accessTokenTtlS: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(900)
      .describe('Lifetime of an access token; short, because a stolen one cannot be revoked.'),
    refreshTokenTtlS: z
      .number()
      .int()
      .min(300)
      .max(90 * 86_400)
      .default(14 * 86_400)
      .describe('Lifetime of a refresh token (rotated on every use, revocable).'),
    loginFailuresPerUser: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe(
        'Failed logins free per account and address; each further one doubles a wait (1 s, 2 s, 4 s …). Four times this across addresses starts an account-wide wait of at most a minute.',
      ),
    loginAttemptsPerAddress: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(30)
      .describe('Login attempts allowed per client address in `loginWindowS`.'),
    loginWindowS: z.number().int().min(1).max(86_400).default(900).describe('Failures older than this are forgotten.'),
    loginMaxDelayS: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(900)
      .describe('The longest wait per account and address.'),
    openRegistration: z
      .boolean()
      .default(true)
      .describe('Whether anyone who can reach the box may self-register as a dancer (POST /api/v1/users/register).'),
  })
  .prefault({});
