import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Notes — Rust auth + Next.js",
  description: "Better Auth's client against a Rust backend",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <main className="shell">{children}</main>
      </body>
    </html>
  );
}
