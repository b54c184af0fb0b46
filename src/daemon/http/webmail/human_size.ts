/** Byte counts for people: "512 B", "1.2 KB", "34 MB" (binary multiples, one decimal below ten). */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes) || 0)} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const shown = value < 10 ? value.toFixed(1) : String(Math.round(value))
  return `${shown} ${units[unit]}`
}
