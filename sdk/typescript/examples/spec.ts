// The SDK snippet at the end of vetanco-api-webhooks.md, verbatim: `npm test` type-checks it
// (never runs it: the host is an example) and pytest checks it is still the spec's text.
// --- spec:inicio ---
import { VetancoClient } from '@vetanco/sdk';

const client = new VetancoClient({
  apiKey: process.env.VETANCO_API_KEY,
  baseUrl: 'https://api-vetanco.ejemplo.com'
});

// Obtener casos
const casos = await client.casos.list({
  tipo_caso: 'reclamo',
  criticidad: 'critico'
});

// Obtener detalle de caso
const caso = await client.casos.get('VET-2025-00123');

// Clasificar caso
await client.casos.clasificar('VET-2025-00123', {
  tipo_caso: 'reclamo',
  criticidad: 'mayor',
  justificacion: 'justificado',
  motivo: 'Confirmado por laboratorio'
});
// --- spec:fin ---

export const resultado = { casos, caso };
