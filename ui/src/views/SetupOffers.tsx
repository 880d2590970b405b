import { useCallback, useEffect, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure } from "../errors";
import {
  downloadDefaultModel,
  installEmbedder,
  setupOffers,
  type AppError,
  type DownloadProgressView,
  type SetupOffer,
  type SetupOffers as Offers,
} from "../ipc";
import { CodeRuntimeSection } from "./CodeRuntimeSection";
import { size } from "./units";

type Download = (onProgress: (progress: DownloadProgressView) => void) => Promise<unknown>;

interface OfferRowProps {
  testId: string;
  title: string;
  offer: SetupOffer;
  /** What the app does without it, said while it is missing. */
  without: string;
  download: Download;
  onDone: () => void;
}

/** One download on offer: what it is, its size and source, and a button; then progress, then ready. */
function OfferRow({ testId, title, offer, without, download, onDone }: OfferRowProps) {
  const [progress, setProgress] = useState<DownloadProgressView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const start = async () => {
    setError(null);
    setBusy(true);
    setProgress(null);
    try {
      await download(setProgress);
      onDone();
    } catch (failure) {
      setError(reportFailure(failure));
    } finally {
      setBusy(false);
    }
  };

  const total = progress?.total ?? offer.sizeBytes;
  return (
    <div className="setup-offer" data-testid={testId} data-ready={offer.ready ? "true" : "false"}>
      <h3>{title}</h3>
      <p className="muted">{offer.name}.</p>
      {offer.ready ? (
        <p data-testid={`${testId}-ready`}>
          <span className="pill ok">Ready</span> Downloaded and checked.
        </p>
      ) : offer.problem ? (
        <p className="muted">{offer.problem}</p>
      ) : (
        <>
          <p className="muted" data-testid={`${testId}-missing`}>
            {without}
          </p>
          <p className="muted setup-source">
            From <span className="path">{offer.source}</span>, checked against its pinned SHA-256.
          </p>
          {busy ? (
            <div className="setup-progress" data-testid={`${testId}-progress`}>
              <progress max={total} value={progress?.downloaded ?? undefined} aria-label={`Downloading ${title}`} />
              <span className="muted">{progress ? `${size(progress.downloaded)} of ${size(total)}` : "Connecting…"}</span>
            </div>
          ) : (
            <button type="button" className="primary" onClick={() => void start()} data-testid={`${testId}-download`}>
              Download ({size(offer.sizeBytes)})
            </button>
          )}
        </>
      )}
      {error && <ErrorNotice error={error} onRetry={() => void start()} />}
    </div>
  );
}

interface SetupOffersProps {
  /** Also offer the code interpreter's Python runtime (Settings shows it on its own). */
  withCodeRuntime?: boolean;
  /** Called after a download finished, so lists that depend on it can refresh. */
  onChanged?: () => void;
}

/**
 * What a fresh install lacks — a local model, the embedder, the code interpreter's runtime — each
 * offered with its size, downloaded only when the person clicks.
 */
export function SetupOffers({ withCodeRuntime = false, onChanged }: SetupOffersProps) {
  const [offers, setOffers] = useState<Offers | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(() => {
    setupOffers().then(setOffers, (failure: unknown) => setError(reportFailure(failure)));
  }, []);
  useEffect(refresh, [refresh]);

  const done = () => {
    refresh();
    onChanged?.();
  };

  return (
    <section className="setup-offers" data-testid="setup-offers" aria-label="Downloads">
      <h2>Downloads</h2>
      {error && <ErrorNotice error={error} onRetry={refresh} />}
      {offers && (
        <>
          <OfferRow
            testId="offer-model"
            title="A local model"
            offer={offers.model}
            without="Without a local model, assistants need a provider's account to answer."
            download={downloadDefaultModel}
            onDone={done}
          />
          <OfferRow
            testId="offer-embedder"
            title="The embedder"
            offer={offers.embedder}
            without="Vectors are off until it is set up: file search finds passages by keyword only."
            download={installEmbedder}
            onDone={done}
          />
        </>
      )}
      {withCodeRuntime && <CodeRuntimeSection />}
    </section>
  );
}
