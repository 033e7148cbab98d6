import { formatCount, formatMs } from '../../format';
import { useNow } from '../../hooks';
import { useRelayStore } from '../../stores';
import { banState, formatLead, misbehaviourTone } from './peer-cells';

/**
 * Every upstream peer: which announces blocks first and how far behind the others are, and how the
 * relay judges them (misbehaviour points, bans). Shown whenever the relay reports its peers.
 */
export function PeersCard() {
  const peers = useRelayStore((s) => s.status?.upstream?.peers ?? null);
  const now = useNow();
  if (!peers || peers.length === 0) return null;
  return (
    <article className="card peers-card" aria-labelledby="peers-title">
      <header className="card-header">
        <h2 id="peers-title">Upstream peers</h2>
        <span className="card-note">lead/lag: p50 behind the first announcer, last 128 blocks</span>
      </header>
      <div className="table-scroll">
        <table className="knob-table peers-table" data-testid="peers-table">
          <thead>
            <tr>
              <th scope="col">Peer</th>
              <th scope="col">State</th>
              <th scope="col">RTT</th>
              <th scope="col">Lead/lag</th>
              <th scope="col">Firsts</th>
              <th scope="col">Misbehaviour</th>
              <th scope="col">Bans</th>
              <th scope="col">Last drop</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => {
              const ban = banState(p, now);
              return (
                <tr
                  key={p.address}
                  data-testid="peer-row"
                  className={ban.tone === 'bad' ? 'row-warn' : undefined}
                >
                  <th scope="row" className="mono">
                    {p.address}
                  </th>
                  <td>
                    <span
                      className={`dot ${p.state === 'ready' ? 'dot-ok' : 'dot-warn'}`}
                      aria-hidden="true"
                    />
                    {p.state}
                  </td>
                  <td>{p.state === 'ready' ? formatMs(p.rttMs) : '—'}</td>
                  <td data-testid="peer-lead">{formatLead(p.announceLeadMs)}</td>
                  <td>{formatCount(p.firstAnnouncements ?? null)}</td>
                  <td className={`tone-${misbehaviourTone(p.misbehaviour)}`}>{p.misbehaviour ?? '—'}</td>
                  <td className={`tone-${ban.tone}`} data-testid="peer-ban">
                    {ban.text}
                  </td>
                  <td title={p.lastDisconnect?.message}>{p.lastDisconnect?.code ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </article>
  );
}
