/**
 * /api/v1/songs: the song library (import any audio ffmpeg reads; each import is analysed
 * for tempo and beats before it is stored). /api/v1/playback: play a song on the box, which
 * makes it the music clock's `song` source.
 */
import { bodyLimit } from 'hono/body-limit';
import { rmSync } from 'node:fs';
import { ANY, STAFF } from '../access.js';
import { sniffAudio } from '../../../drivers/media/audio-sniff.js';
import { toApi } from '../codec.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, notFound } from '../errors.js';
import { body, errors, idParam, json, audioFile } from '../openapi-common.js';
import { listQuery, pageSchema } from '../paging.js';
import { listPage } from '../resource.js';
import type { ApiRouter } from '../router.js';
import { registerSongCountRoute } from './song-count.js';
import {
  analysisOut,
  playbackOut,
  playIn,
  songColumns,
  songDetailOut,
  songMeta,
  songOut,
  songUpload,
} from '../schemas/songs.js';
import { sha256Hex, songFile } from '../../playback/song-files.js';
import {
  deleteSong,
  insertSong,
  songAudio,
  songIdByHash,
  songRow,
  songToPlay,
} from '../../store/repositories/songs.js';

export function registerSongRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql, songs } = deps;
  const tags = ['songs'];
  const detail = (id: number) => {
    const row = songRow(sql, id, [...songMeta, 'analysis']);
    if (!row) throw notFound('song', id);
    return { ...toApi(songColumns, row), analysis: analysisOut.parse(JSON.parse(row.analysis)) };
  };
  registerSongCountRoute(router, deps, detail);

  router.add(
    {
      method: 'get',
      path: '/api/v1/songs',
      tags,
      summary: 'List the song library (from/to on created_at)',
      access: ANY,
      request: { query: listQuery },
      responses: { 200: json(pageSchema(songOut), 'a page of songs'), ...errors(401, 422) },
    },
    (c, { query }) =>
      c.json(listPage(sql, 'songs', { timeColumn: 'created_at', columns: songColumns, select: songMeta }, query), 200),
  );

  router.add(
    {
      method: 'post',
      path: '/api/v1/songs',
      tags,
      access: STAFF,
      summary: 'Import a song (multipart: file, title, optional artist); it is analysed before it is stored',
      description: `Any audio ffmpeg decodes (WAV, FLAC, Ogg, MP3, AIFF, MP4), recognised by its bytes; at most ${songs.maxBytes} bytes (http.maxSongBytes). The same file twice is 409.`,
      extraMiddleware: [
        bodyLimit({
          maxSize: songs.maxBytes,
          onError: () => {
            throw new ApiError(
              413,
              'payload_too_large',
              `the upload is larger than ${songs.maxBytes} bytes (http.maxSongBytes)`,
              'body.file',
            );
          },
        }),
      ],
      request: { body: { required: true, content: { 'multipart/form-data': { schema: songUpload } } } },
      responses: {
        201: json(songDetailOut, 'the stored song with its analysis'),
        ...errors(401, 403, 409, 413, 415, 422),
      },
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
      const sha256 = sha256Hex(bytes);
      const existing = songIdByHash(sql, sha256);
      if (existing !== undefined)
        throw conflict('duplicate_song', `body.file: this audio is already song ${existing}`, 'body.file');
      const file = songFile(songs.cacheDir, { sha256, mime_type: info.mime }, () => bytes);
      let analysis;
      try {
        analysis = await songs.analyse(file, input.style);
      } catch (err) {
        rmSync(file, { force: true });
        throw new ApiError(
          422,
          'undecodable_audio',
          `body.file: ${(err as Error).message.replace(file, 'the upload')}`,
          'body.file',
        );
      }
      const now = sql.now();
      const id = insertSong(sql, {
        title: input.title,
        artist: input.artist ?? null,
        mime_type: info.mime,
        size_bytes: bytes.length,
        sha256,
        data: Buffer.from(bytes),
        duration_s: analysis.durationS,
        tempo: analysis.tempo,
        analysis: JSON.stringify(analysis),
        created_at: now,
        updated_at: now,
      });
      return c.json(detail(id), 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/api/v1/songs/{id}',
      tags,
      summary: 'A song with its analysis (tempo, beat times, count)',
      access: ANY,
      request: { params: idParam },
      responses: { 200: json(songDetailOut, 'the song'), ...errors(401, 404, 422) },
    },
    (c, { params }) => c.json(detail(params.id), 200),
  );

  router.add(
    {
      method: 'get',
      path: '/api/v1/songs/{id}/audio',
      tags,
      summary: "Download a song's audio",
      access: ANY,
      request: { params: idParam },
      responses: {
        200: audioFile,
        ...errors(401, 404, 422),
      },
    },
    (c, { params }) => {
      const row = songRow(sql, params.id, ['data', 'mime_type']);
      if (!row) throw notFound('song', params.id);
      return c.body(new Uint8Array(row.data), 200, {
        'Content-Type': row.mime_type,
        'Content-Length': String(row.data.length),
      });
    },
  );

  router.add(
    {
      method: 'delete',
      path: '/api/v1/songs/{id}',
      tags,
      summary: 'Delete a song (a playing song plays on)',
      access: STAFF,
      request: { params: idParam },
      responses: { 204: { description: 'deleted' }, ...errors(401, 403, 404, 422) },
    },
    (c, { params }) => {
      if (!deleteSong(sql, params.id)) throw notFound('song', params.id);
      return c.body(null, 204);
    },
  );

  const playback = () => {
    const p = deps.hardware.room?.playback;
    if (!p) throw new ApiError(503, 'unavailable', 'song playback is not running');
    return p;
  };
  const ptags = ['playback'];
  router.add(
    {
      method: 'get',
      path: '/api/v1/playback',
      tags: ptags,
      summary: 'What the box is playing',
      access: ANY,
      responses: { 200: json(playbackOut, 'playback'), ...errors(401, 503) },
    },
    (c) => c.json(playback().status(), 200),
  );
  router.add(
    {
      method: 'put',
      path: '/api/v1/playback',
      tags: ptags,
      access: STAFF,
      summary: 'Play a song on the box (replacing what plays); the music clock follows its beats',
      request: { body: body(playIn) },
      responses: { 200: json(playbackOut, 'playback'), ...errors(401, 403, 404, 422, 503) },
    },
    async (c, { body: input }) => {
      const p = playback();
      const row = songToPlay(sql, input.song_id);
      if (!row) throw new ApiError(404, 'not_found', `body.song_id: no song with id ${input.song_id}`, 'body.song_id');
      const analysis = analysisOut.parse(JSON.parse(row.analysis));
      if (input.from_s >= analysis.durationS)
        throw new ApiError(
          422,
          'validation_failed',
          `body.from_s: the song is ${analysis.durationS} s long`,
          'body.from_s',
        );
      const file = songFile(songs.cacheDir, row, () => songAudio(sql, row.id));
      return c.json(await p.play({ id: row.id, title: row.title, file, analysis }, input.from_s), 200);
    },
  );
  router.add(
    {
      method: 'delete',
      path: '/api/v1/playback',
      tags: ptags,
      access: STAFF,
      summary: 'Stop playing (the clock goes back to its next live source)',
      responses: { 200: json(playbackOut, 'playback'), ...errors(401, 403, 503) },
    },
    async (c) => c.json(await playback().stop(), 200),
  );
}
