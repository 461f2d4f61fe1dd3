// X-RateLimit-* bookkeeping, one budget per token (and one for anonymous callers), like
// GitHub's per-user core limit. A 304 is free; the caller decides what counts.
export type RateLimitHeaders = {
  'x-ratelimit-limit': string;
  'x-ratelimit-remaining': string;
  'x-ratelimit-reset': string;
  'x-ratelimit-used': string;
  'x-ratelimit-resource': string;
};

export class RateLimits {
  private readonly used = new Map<string, number>();
  private readonly reset = Math.floor(Date.now() / 1000) + 3600;

  constructor(private readonly limit: number) {}

  exhausted(identity: string): boolean {
    return (this.used.get(identity) ?? 0) >= this.limit;
  }

  spend(identity: string): void {
    this.used.set(identity, (this.used.get(identity) ?? 0) + 1);
  }

  headers(identity: string): RateLimitHeaders {
    const used = this.used.get(identity) ?? 0;
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - used)),
      'x-ratelimit-reset': String(this.reset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core',
    };
  }
}
