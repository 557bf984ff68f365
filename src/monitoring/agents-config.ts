/**
 * What runs on a VM for opsdesk (README, "Monitoring"): node_exporter (with its systemd collector
 * for service state) and mtail with this program, which counts error lines of the logs it is
 * given. The counter name is what the error_lines_5m threshold watches.
 */
export const ERROR_LINES_MTAIL_PROGRAM = `# opsdesk: error lines of the watched logs (threshold kind error_lines_5m)
counter opsdesk_error_lines_total

/(?i)\\b(error|err|crit|critical|fatal|emerg|alert|panic)\\b/ {
  opsdesk_error_lines_total++
}
`;
