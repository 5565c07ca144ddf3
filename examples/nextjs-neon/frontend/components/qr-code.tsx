"use client";

import { useEffect, useState } from "react";
import QRCode from "qrcode";

/// A QR code of `text` (an `otpauth://` URI for an authenticator app), drawn as SVG in the
/// browser: the secret never leaves the page.
export function QrCode({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    QRCode.toString(text, { type: "svg", margin: 1, errorCorrectionLevel: "M" }).then((drawn) => {
      if (!cancelled) setSvg(drawn);
    });
    return () => {
      cancelled = true;
    };
  }, [text]);
  if (!svg) return <p className="muted">Drawing the QR code…</p>;
  return (
    <div
      className="qr"
      role="img"
      aria-label={label}
      data-testid="qr-code"
      // The SVG is qrcode's own output for our URI, not user-supplied markup.
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
