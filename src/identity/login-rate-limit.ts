import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const MAX_BUCKETS = 50_000;

/**
 * A token bucket per user name and client address: `burst` attempts at once, refilled at
 * `perMinute`. In memory, per API process — enough to make guessing slow; the account lockout
 * (AuthService) stops it.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; when there is none, the seconds until there will be. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    if (this.burst <= 0) return { allowed: true };
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedMs: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedMs) * ratePerMs);
    bucket.updatedMs = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket); // most recently used last, for the eviction below
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterSeconds = ratePerMs > 0 ? Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) : 3600;
    return { allowed: false, retryAfterSeconds };
  }
}

/** On POST /api/auth/login: too many attempts for one user name from one address → 429 with Retry-After. */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.buckets = new TokenBuckets(config.loginRateLimit.burst, config.loginRateLimit.perMinute);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const body = request.body as { username?: unknown } | undefined;
    const username = typeof body?.username === 'string' ? body.username.trim().toLowerCase().slice(0, 64) : '';
    const address = request.ip ?? request.socket.remoteAddress ?? '';
    const result = this.buckets.take(`${username}\u0000${address}`);
    if (result.allowed) return true;
    http.getResponse<Response>().setHeader('Retry-After', String(result.retryAfterSeconds));
    throw new HttpException(
      { message: `Too many sign-in attempts; try again in ${result.retryAfterSeconds} seconds / ログインの試行が多すぎます。${result.retryAfterSeconds}秒後に再度お試しください` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
