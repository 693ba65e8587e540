"""What the tests share, so no test module imports another.

- ``media``: ffmpeg-synthesised clips with their ground truth (sample, motion, freeze, tone).
- ``screens``, ``shots``, ``face_media``, ``image_bombs``: the screen recordings, planted cuts,
  face videos and hostile images of the analysis tests, reused end to end by the job tests.
- ``client``: the API as clients call it (GraphQL over HTTP, REST uploads).
- ``worker``: a real arq worker run in burst mode.
- ``analyses``, ``face_api``: GraphQL reads of analysis and face results.
- ``cli``: ``reelgraph up`` as a child process.
"""
