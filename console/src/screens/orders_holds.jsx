// An order's holds with their rule hits explained in words and the values behind each hit;
// shared by the order detail and the review queue (which can release a hold).
import { formatTime, t, tCode, useLang } from '../i18n.js';
import { explainHit, hitValues, holdType } from './orders_words.jsx';

export function HoldReason({ reason }) {
  useLang();
  return (
    <span class={'badge badge-hold hold-' + reason} data-code={reason}>
      {tCode('hold', reason)}
    </span>
  );
}

// holds: the order's holds; onRelease(hold) shows a release button on open ones.
export function HoldList({ order, onRelease, busy, openOnly }) {
  useLang();
  const holds = (order.holds || []).filter((h) => !openOnly || h.status === 'open');
  if (holds.length === 0) return <p class="muted">{t('order.no_holds')}</p>;
  return (
    <ul class="holds">
      {holds.map((h) => {
        const type = holdType(order, h);
        // The warehouse's view has neither message nor detail: the reason alone is shown.
        const words = h.detail || h.message ? explainHit(type, h.reason, h.detail, h.message) : null;
        return (
          <li key={h.id} class={'hold hold-status-' + h.status} data-hold={h.id} data-reason={h.reason}>
            <div class="hold-head">
              <HoldReason reason={h.reason} />
              <span class={'badge hold-state-' + h.status}>{tCode('hold.status', h.status)}</span>
              <span class="muted small">
                {t('hold.by', { by: tCode('actor', h.created_by || ''), at: formatTime(h.created_at) })}
                {h.owner ? ' · ' + t('hold.owner', { owner: h.owner }) : ''}
                {h.auto_release && h.status === 'open' ? ' · ' + t('hold.auto_release') : ''}
              </span>
              {onRelease && h.status === 'open' && (
                <button class="hold-release" disabled={busy} onClick={() => onRelease(h)}>
                  {t('review.release')}
                </button>
              )}
            </div>
            {words && <div class="hold-explain">{words}</div>}
            {h.detail && Object.keys(h.detail).length > 0 && (
              <div class="hit-values">
                {hitValues(h.detail).map(([k, label, v]) => (
                  <span key={k} class="hit-value" data-value={k} title={k}>
                    <span class="hit-label">{label}</span> {v}
                  </span>
                ))}
              </div>
            )}
            {h.status === 'released' && (
              <div class="muted small">
                {t('hold.released_by', { by: tCode('actor', h.released_by || ''), at: formatTime(h.released_at) })}
                {h.release_note ? '：' + h.release_note : ''}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

// The review record's hits that raised no hold of their own (rare) and the rules passed.
export function ReviewSummary({ review }) {
  useLang();
  if (!review) return null;
  const passed = (review.rules || []).filter((r) => r.outcome === 'pass').map((r) => r.rule_id);
  return (
    <div class="review-summary muted small">
      {review.passed && <div class="ok-box">{t('order.review_passed')}</div>}
      <div>{t('order.review_at', { at: formatTime(review.evaluated_at), v: review.ruleset_version ?? '' })}</div>
      {passed.length > 0 && <div>{t('order.rules_passed', { list: passed.join(', ') })}</div>}
    </div>
  );
}
