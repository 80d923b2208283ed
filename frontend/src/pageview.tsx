// The original page of a scanned invoice with the regions its values were read from: a PDF
// page drawn by pdf.js (loaded only here) or the image itself; boxes are fractions of the page.
import { useEffect, useRef, useState } from "react";
import type { FieldEvidence } from "./gen/scanner";

interface Props {
  file: Blob | null;
  page: number;
  evidence: FieldEvidence[];
  active: string;
  label: string;
}

export function PageView({ file, page, evidence, active, label }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [imageUrl, setImageUrl] = useState("");
  const [pages, setPages] = useState(1);
  const isPdf = file?.type === "application/pdf";

  useEffect(() => {
    if (!file || isPdf) return;
    const url = URL.createObjectURL(file);
    setImageUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [file, isPdf]);

  useEffect(() => {
    if (!file || !isPdf) return;
    let cancelled = false;
    (async () => {
      const pdfjs = await import("pdfjs-dist");
      pdfjs.GlobalWorkerOptions.workerSrc = (await import("pdfjs-dist/build/pdf.worker.min.mjs?url")).default;
      const doc = await pdfjs.getDocument({ data: new Uint8Array(await file.arrayBuffer()) }).promise;
      if (cancelled) return;
      setPages(doc.numPages);
      const pdfPage = await doc.getPage(Math.min(Math.max(page, 1), doc.numPages));
      const viewport = pdfPage.getViewport({ scale: 1.6 });
      const target = canvas.current;
      if (!target || cancelled) return;
      target.width = viewport.width;
      target.height = viewport.height;
      await pdfPage.render({ canvasContext: target.getContext("2d")!, viewport }).promise;
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [file, isPdf, page]);

  const boxes = evidence.filter((e) => e.page === page && e.x1 > e.x0 && e.y1 > e.y0);
  return (
    <figure className="page-view" aria-label={label}>
      {isPdf ? <canvas ref={canvas} role="img" aria-label={`${label} ${page}/${pages}`} /> : imageUrl && <img src={imageUrl} alt={label} />}
      {boxes.map((e) => (
        <div
          key={e.field}
          className={`box ${e.field === active ? "active" : ""}`}
          data-field={e.field}
          style={{ left: `${e.x0 * 100}%`, top: `${e.y0 * 100}%`, width: `${(e.x1 - e.x0) * 100}%`, height: `${(e.y1 - e.y0) * 100}%` }}
        />
      ))}
    </figure>
  );
}
