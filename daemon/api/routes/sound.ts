/** /api/v1/sound beyond the shared output routes: song selections and sound samples. */
import { createRow, findColumns, updateRow } from '../../store/repositories/records.js';
import { bodyLimit } from 'hono/body-limit';
import { ANY, OWN, STAFF, isStaff } from '../access.js';
import { sniffAudio } from '../../../drivers/media/audio-sniff.js';
import { toApi } from '../codec.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { errors, idParam, json, audioFile } from '../openapi-common.js';
import { listQuery, pageSchema } from '../paging.js';
import { deleteRow, getRow, listPage, registerResource } from '../resource.js';
import { userOf, type ApiRouter } from '../router.js';
import {
  sampleColumns,
  sampleOut,
  sampleUpload,
  songColumns,
  songCreate,
  songOut,
  songUpdate,
} from '../schemas/output.js';

const tags = ['sound'];
const base = '/api/v1/sound';
const sampleMeta = [
  'id',
  'name',
  'category',
  'mime_type',
  'size_bytes',
  'duration_s',
  'sample_rate',
  'created_at',
] as const;

export function registerSoundRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;

  for (const status of ['approved', 'rejected'] as const) {
    const verb = status === 'approved' ? 'approve' : 'reject';
    router.add(
      {
        method: 'post',
        path: `${base}/songs/{id}/${verb}`,
        tags,
        summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} a song selection`,
        access: STAFF,
        request: { params: idParam },
        responses: { 200: json(songOut, 'the song selection'), ...errors(401, 403, 404, 422) },
      },
      (c, { params }) => {
        getRow(sql, 'song_selections', params.id, 'song selection');
        const row = updateRow(sql, 'song_selections', params.id, { status, updated_at: sql.now() });
        return c.json(toApi(songColumns, row), 200);
      },
    );
  }

  registerResource(
    router,
    {
      table: 'song_selections',
      path: '/sound/songs',
      tag: 'sound',
      noun: 'song selection',
      columns: songColumns,
      out: songOut,
      create: songCreate,
      update: songUpdate,
      timeColumn: 'selected_at',
      eventColumn: 'event_id',
      ownerColumn: 'user_id',
      ownerDefaultsToSelf: true,
      references: {
        user_id: { table: 'users', noun: 'user' },
        event_id: { table: 'events', noun: 'event' },
        song_id: { table: 'songs', noun: 'song' },
      },
      defaults: () => ({ selected_at: new Date(sql.now()).toISOString() }),
      access: { list: OWN, get: OWN, create: OWN, update: OWN, delete: OWN },
      check: (record, user, before) => {
        if (isStaff(user)) return undefined;
        if ((record.status ?? 'pending') !== (before?.status ?? 'pending'))
          throw forbidden('only an admin or technician may approve or reject a song');
        // A dancer who edits an approved song sends it back for approval.
        return before && before.status !== 'pending' ? { status: 'pending' } : undefined;
      },
    },
    deps,
  );

  router.add(
    {
      method: 'get',
      path: `${base}/samples`,
      tags,
      summary: 'List sound samples (metadata; from/to on created_at)',
      access: ANY,
      request: { query: listQuery },
      responses: { 200: json(pageSchema(sampleOut), 'a page of samples'), ...errors(401, 422) },
    },
    (c, { query }) => {
      return c.json(
        listPage(sql, 'sound_samples', { timeColumn: 'created_at', columns: sampleColumns, select: sampleMeta }, query),
        200,
      );
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/samples`,
      tags,
      access: STAFF,
      summary: 'Upload an audio sample (multipart: file, name, category, optional duration_s and sample_rate)',
      description: `WAV, FLAC, Ogg, MP3, AIFF or MP4 audio, recognised by its bytes; at most ${deps.maxSampleBytes} bytes (http.maxSampleBytes).`,
      extraMiddleware: [
        bodyLimit({
          maxSize: deps.maxSampleBytes,
          onError: () => {
            throw new ApiError(
              413,
              'payload_too_large',
              `the upload is larger than ${deps.maxSampleBytes} bytes (http.maxSampleBytes)`,
              'body.file',
            );
          },
        }),
      ],
      request: { body: { required: true, content: { 'multipart/form-data': { schema: sampleUpload } } } },
      responses: { 201: json(sampleOut, 'the stored sample'), ...errors(401, 403, 413, 415, 422) },
    },
    async (c, { body: input }) => {
      const bytes = new Uint8Array(await input.file.arrayBuffer());
      const info = sniffAudio(bytes);
      if (!info)
        throw new ApiError(
          415,
          'unsupported_audio',
          'body.file: not a recognised audio file (WAV, FLAC, Ogg, MP3, AIFF or MP4)',
          'body.file',
        );
      const now = sql.now();
      const row = createRow(sql, 'sound_samples', {
        name: input.name,
        category: input.category,
        mime_type: info.mime,
        size_bytes: bytes.length,
        duration_s: input.duration_s ?? info.durationS ?? null,
        sample_rate: input.sample_rate ?? info.sampleRate ?? null,
        data: Buffer.from(bytes),
        created_at: now,
      });
      return c.json(toApi(sampleColumns, row), 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: `${base}/samples/{id}`,
      tags,
      summary: "A sample's metadata",
      access: ANY,
      request: { params: idParam },
      responses: { 200: json(sampleOut, 'the sample'), ...errors(401, 404, 422) },
    },
    (c, { params }) => {
      const row = findColumns(sql, 'sound_samples', params.id, sampleMeta);
      if (!row) throw notFound('sound sample', params.id);
      return c.json(toApi(sampleColumns, row), 200);
    },
  );

  router.add(
    {
      method: 'get',
      path: `${base}/samples/{id}/audio`,
      tags,
      summary: "Download a sample's audio",
      access: ANY,
      request: { params: idParam },
      responses: {
        200: audioFile,
        ...errors(401, 404, 422),
      },
    },
    (c, { params }) => {
      const row = findColumns(sql, 'sound_samples', params.id, ['data', 'mime_type', 'name']) as
        { data: Buffer; mime_type: string; name: string } | undefined;
      if (!row) throw notFound('sound sample', params.id);
      const file = `${row.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.${row.mime_type.split('/')[1] ?? 'bin'}`;
      return c.body(new Uint8Array(row.data), 200, {
        'Content-Type': row.mime_type,
        'Content-Disposition': `attachment; filename="${file}"`,
        'Content-Length': String(row.data.length),
      });
    },
  );

  router.add(
    {
      method: 'delete',
      path: `${base}/samples/{id}`,
      tags,
      summary: 'Delete a sample',
      access: STAFF,
      request: { params: idParam },
      responses: { 204: { description: 'deleted' }, ...errors(401, 403, 404, 422) },
    },
    (c, { params }) => {
      deleteRow(sql, { table: 'sound_samples', noun: 'sound sample', access: {} }, userOf(c), params.id);
      return c.body(null, 204);
    },
  );
}
