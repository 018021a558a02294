"""What a person sees: terminal tables and the plain records of CSV and JSON, charts, maps,
the web view, and the generated reference docs."""
