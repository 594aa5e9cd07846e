"""The Python pipeline `solarpress dither` is measured against (bench/dither-command.ts).

What a Python user would write for the same job: Pillow decodes (EXIF orientation applied, alpha
flattened onto the background), resizes to fit within MAX x MAX (Lanczos, never enlarged), numpy
does the ordered Bayer 8x8 dither with solarpress's formula, and Pillow saves an indexed PNG with
optimize=True. The dither gives the same palette indices as solarpress's reference loop
(plugins/dither/reference.ts) for the same RGB input: same float64 operations in the same order,
the first colour on ties. Check it with --vectors ../shared/dither-vectors.

  /usr/bin/python3 bench/dither_pillow.py --out DIR [--palette 3|6|11] [--threshold N] [--max-size N] FILE...
  /usr/bin/python3 bench/dither_pillow.py --vectors DIR
  /usr/bin/python3 bench/dither_pillow.py --indices W H RGB_FILE OUT_FILE [--palette N] [--threshold N]

Needs Debian's python3-pil and python3-numpy (run as /usr/bin/python3).
"""
import argparse
import base64
import glob
import json
import os
import sys

import numpy as np
from PIL import Image, ImageOps

PALETTES = {
    3: [0, 125, 250],
    6: [25, 75, 125, 175, 225, 250],
    11: [25 * i for i in range(11)],
}


def bayer(order):
    """I2 = [[0,2],[3,1]], I2n = [[4In, 4In+2], [4In+3, 4In+1]]."""
    m = np.array([[0, 2], [3, 1]])
    while m.shape[0] < order:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return m


I8 = bayer(8)


def dither(rgb, palette, threshold):
    """rgb: (h, w, 3) uint8; palette: list of (r, g, b); threshold: (r, g, b). Palette index per pixel."""
    h, w, _ = rgb.shape
    cells = np.tile(I8, ((h + 7) // 8, (w + 7) // 8))[:h, :w].astype(np.float64)
    v = [rgb[:, :, c].astype(np.float64) + (threshold[c] * (1 + cells)) / 65 for c in range(3)]
    best = np.zeros((h, w), dtype=np.uint8)
    best_distance = np.full((h, w), np.inf)
    for p, (r, g, b) in enumerate(palette):
        d0 = v[0] - r
        d1 = v[1] - g
        d2 = v[2] - b
        d = d0 * d0 + d1 * d1 + d2 * d2
        closer = d < best_distance  # strictly: the first colour wins a tie
        best[closer] = p
        best_distance = np.where(closer, d, best_distance)
    return best


def load(path, max_size, background):
    image = ImageOps.exif_transpose(Image.open(path))
    if image.mode in ('RGBA', 'LA', 'PA') or (image.mode == 'P' and 'transparency' in image.info):
        rgba = image.convert('RGBA')
        flat = Image.new('RGB', rgba.size, background)
        flat.paste(rgba, mask=rgba.getchannel('A'))
        image = flat
    else:
        image = image.convert('RGB')
    w, h = image.size
    scale = min(max_size / w, max_size / h)
    if scale < 1:
        image = image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS)
    return np.asarray(image)


def save(indices, palette, path):
    image = Image.fromarray(indices, 'P')
    image.putpalette([v for colour in palette for v in colour])
    image.save(path, 'PNG', optimize=True)


def check_vectors(folder):
    failed = 0
    files = sorted(glob.glob(os.path.join(folder, '*.json')))
    for file in files:
        case = json.load(open(file))
        w, h = case['width'], case['height']
        rgb = np.frombuffer(base64.b64decode(case['rgb_base64']), dtype=np.uint8).reshape(h, w, 3)
        expected = np.frombuffer(base64.b64decode(case['expected_indices_base64']), dtype=np.uint8).reshape(h, w)
        got = dither(rgb, [tuple(c) for c in case['palette']], case['threshold'])
        same = np.array_equal(got, expected)
        failed += not same
        print(f"{case['name']}: {'same indices' if same else 'DIFFERENT'}")
    print(f'{len(files) - failed}/{len(files)} golden vectors reproduced')
    return 1 if failed or not files else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out')
    parser.add_argument('--palette', type=int, default=6, choices=sorted(PALETTES))
    parser.add_argument('--threshold', type=int, default=96)
    parser.add_argument('--max-size', type=int, default=800)
    parser.add_argument('--background', default='#fafafa')
    parser.add_argument('--vectors')
    parser.add_argument('--indices', nargs=4, metavar=('W', 'H', 'RGB_FILE', 'OUT_FILE'))
    parser.add_argument('files', nargs='*')
    args = parser.parse_args()
    palette = [(v, v, v) for v in PALETTES[args.palette]]
    threshold = (args.threshold,) * 3
    if args.vectors:
        return check_vectors(args.vectors)
    if args.indices:
        w, h, rgb_file, out_file = args.indices
        rgb = np.fromfile(rgb_file, dtype=np.uint8).reshape(int(h), int(w), 3)
        dither(rgb, palette, threshold).tofile(out_file)
        return 0
    os.makedirs(args.out, exist_ok=True)
    for path in args.files:
        indices = dither(load(path, args.max_size, args.background), palette, threshold)
        save(indices, palette, os.path.join(args.out, os.path.splitext(os.path.basename(path))[0] + '.png'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
