import { Controller, Get, Header } from '@nestjs/common';
import { buildAsyncApiDocument, buildOpenApiDocument, httpOperations } from '@mcp/protocol';

/** The published contract, generated from the protocol schemas so it cannot drift from the code. */
@Controller()
export class DocsController {
  private readonly openApi = buildOpenApiDocument();
  private readonly asyncApi = buildAsyncApiDocument();

  @Get('v1/openapi.json')
  openapi() {
    return this.openApi;
  }

  @Get('v1/asyncapi.json')
  asyncapi() {
    return this.asyncApi;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    const rows = httpOperations
      .map(
        (op) =>
          `<tr><td><code>${op.method.toUpperCase()}</code></td><td><code>${escapeHtml(op.path)}</code></td>` +
          `<td>${escapeHtml(op.summary)}</td><td>${op.auth}</td></tr>`,
      )
      .join('\n');
    return `<!doctype html><html><head><meta charset="utf-8"><title>MCP API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td,th{padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd}</style>
</head><body><h1>MCP gateway API</h1>
<p>Machine-readable: <a href="/v1/openapi.json">OpenAPI 3.1</a> (HTTP) and <a href="/v1/asyncapi.json">AsyncAPI 3.0</a> (Kafka events and requests). Errors are <code>application/problem+json</code>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what it does</th><th>credential</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}
