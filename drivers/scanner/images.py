"""Code images for the fake camera: a QR code (qrcode) and a Code128 barcode (the bar widths
from reportlab's Code128 encoder, drawn with Pillow — both are dependencies already, so the
tests never need python-barcode). Optionally on a grey "counter" background, turned a little,
as a phone held up to a camera is."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw


def qr_image(text: str, box: int = 6) -> Image.Image:
    import qrcode

    q = qrcode.QRCode(border=4, box_size=box)
    q.add_data(text)
    q.make(fit=True)
    return q.make_image(fill_color="black", back_color="white").get_image().convert("L")


def code128_image(text: str, module: int = 3, height: int = 120, quiet: int = 12) -> Image.Image:
    from reportlab.graphics.barcode.code128 import Code128

    bc = Code128(text)
    bc.validate()
    bc.encode()
    bc.decompose()  # "BaAb…": upper case a bar, lower case a space, A=1 … D=4 modules wide
    widths = [(c.isupper(), ord(c.upper()) - ord("A") + 1) for c in bc.decomposed]
    total = sum(w for _, w in widths) + 2 * quiet
    img = Image.new("L", (total * module, height), 255)
    draw = ImageDraw.Draw(img)
    x = quiet * module
    for bar, w in widths:
        if bar:
            draw.rectangle([x, 0, x + w * module - 1, height - 1], fill=0)
        x += w * module
    return img


def on_counter(code: Image.Image, angle: float = 0.0, size: tuple[int, int] = (960, 540)) -> Image.Image:
    """The code pasted on a grey background, turned by `angle` degrees."""
    bg = Image.new("RGB", size, (150, 150, 150))
    tile = code.convert("RGB").rotate(angle, expand=True, fillcolor=(150, 150, 150))
    bg.paste(tile, ((size[0] - tile.width) // 2, (size[1] - tile.height) // 2))
    return bg


def payment_code_image(code: str) -> Image.Image:
    """A 付款码 as the WeChat/Alipay screen shows it: the Code128 barcode above the QR."""
    bar, qr = code128_image(code, module=2, height=90), qr_image(code, box=4)
    img = Image.new("L", (max(bar.width, qr.width) + 40, bar.height + qr.height + 60), 255)
    img.paste(bar, ((img.width - bar.width) // 2, 20))
    img.paste(qr, ((img.width - qr.width) // 2, bar.height + 40))
    return img


def write(img: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


DEMO_CODES = ("134567890123456789", "286543210987654321")  # a WeChat and an Alipay 付款码


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - demo helper
    """`python -m drivers.scanner.images FOLDER [CODE…]`: payment-code pictures (a QR or text
    that is no payment code becomes a plain QR) for PROPDESK_CAMERA=fake:FOLDER."""
    import sys

    from app.gateways import gateway_for_code

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m drivers.scanner.images FOLDER [CODE…]", file=sys.stderr)
        return 2
    folder, codes = Path(args[0]), args[1:] or list(DEMO_CODES)
    for i, code in enumerate(codes, 1):
        img = payment_code_image(code) if gateway_for_code(code) else qr_image(code)
        print(write(on_counter(img, angle=4), folder / f"{i:02d}.png"))
    print(f"PROPDESK_CAMERA=fake:{folder}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
