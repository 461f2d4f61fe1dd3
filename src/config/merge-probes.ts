import { DEFAULT_EXTRA_PROBE_TIMEOUT_MS } from './defaults.ts';
import type { RawProbes } from './schema.ts';
import type { BootProbeSettings, ExtraProbeSettings, ProbeSettings } from './types.ts';

const ms = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : Math.round(seconds * 1000));

/**
 * Applies one layer of hosts.yaml probe settings (top level, a platform, a host) over `base`.
 * Keys left out keep their value; `failPatterns` is replaced, not appended. Extra probes are
 * matched by name: a same-named entry replaces the earlier one, a new name is added at the end.
 */
export function mergeProbes(base: ProbeSettings, layer: RawProbes | undefined): ProbeSettings {
  if (!layer) return base;
  const v = layer.version ?? {};
  const b = layer.boot ?? {};
  const boot: BootProbeSettings = {
    mode: b.mode ?? base.boot.mode,
    timeoutMs: ms(b.timeoutSeconds) ?? base.boot.timeoutMs,
    readyPattern: b.readyPattern ?? base.boot.readyPattern,
    failPatterns: b.failPatterns ? [...b.failPatterns] : base.boot.failPatterns,
    healthz: b.healthz ?? base.boot.healthz,
    port: b.port ?? base.boot.port,
    stopGraceMs: ms(b.stopGraceSeconds) ?? base.boot.stopGraceMs,
  };
  const extra = [...base.extra];
  for (const e of layer.extra ?? []) {
    const probe: ExtraProbeSettings = {
      name: e.name,
      command: e.command,
      expectExitCode: e.expectExitCode ?? 0,
      timeoutMs: ms(e.timeoutSeconds) ?? DEFAULT_EXTRA_PROBE_TIMEOUT_MS,
      ...(e.expectOutput === undefined ? {} : { expectOutput: e.expectOutput }),
    };
    const i = extra.findIndex((x) => x.name === e.name);
    if (i >= 0) extra[i] = probe;
    else extra.push(probe);
  }
  return {
    version: { enabled: v.enabled ?? base.version.enabled, timeoutMs: ms(v.timeoutSeconds) ?? base.version.timeoutMs },
    boot,
    extra,
  };
}
