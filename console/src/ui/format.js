// Display formats shared by the screens.

// Amounts travel as integer fen.
export function money(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Number(fen);
  if (!Number.isFinite(n)) return String(fen);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function percent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined || !Number.isFinite(Number(ratio))) return '';
  return (Number(ratio) * 100).toFixed(digits) + '%';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.round(Number(seconds));
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60 ? ' ' + (s % 60) + 's' : '');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h + 'h' + (m ? ' ' + m + 'm' : '');
}
