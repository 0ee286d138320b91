"""Camera scanning: generated QR and Code128 images played by the fake camera and decoded
through the real OpenCV + pyzbar path."""

from __future__ import annotations

import pytest

from drivers.scanner import images
from drivers.scanner.camera import ScannerError, decode, kind_of, open_camera, scan
from drivers.scanner.fake import FakeCamera

WECHAT = "134567890123456789"  # 18 digits, 13…
ALIPAY = "286543210987654321"  # 18 digits, 28…
RECEIPT = "PD1|T1-20261202-0007|12050|3f9a"


def test_qr_and_code128_on_a_counter_background(tmp_path) -> None:
    files = [
        images.write(images.on_counter(images.qr_image(RECEIPT), angle=8), tmp_path / "1-receipt.png"),
        images.write(images.on_counter(images.code128_image(WECHAT), angle=-4), tmp_path / "2-wechat.png"),
        images.write(images.on_counter(images.payment_code_image(ALIPAY)), tmp_path / "3-alipay.jpg"),
    ]
    cam = open_camera(f"fake:{tmp_path}")
    try:
        got = [scan(cam) for _ in files]
    finally:
        cam.close()
    assert [(g[0].text, g[0].kind, g[0].gateway) for g in got] == [
        (RECEIPT, "document", None), (WECHAT, "payment", "wechat"), (ALIPAY, "payment", "alipay")]
    assert got[0][0].symbology == "QRCODE" and got[1][0].symbology == "CODE128"
    assert len(got[2]) == 1  # the barcode and the QR of one 付款码 carry the same digits: one code


def test_a_frame_without_a_code_decodes_to_nothing(tmp_path) -> None:
    from PIL import Image

    blank = images.write(Image.new("RGB", (320, 240), (150, 150, 150)), tmp_path / "blank.png")
    cam = FakeCamera([blank])
    assert scan(cam, frames=3) == [] and cam.index == 3


def test_kind_of() -> None:
    assert kind_of(WECHAT) == ("payment", "wechat")
    assert kind_of("255" + "0" * 15) == ("payment", "alipay")
    assert kind_of("3-2-1502") == ("document", None)
    assert kind_of("16" + "0" * 16) == ("document", None)  # 16… is no gateway's prefix


def test_fake_camera_errors(tmp_path) -> None:
    with pytest.raises(ScannerError) as e:
        open_camera(f"fake:{tmp_path}")
    assert e.value.code == "device.camera.no_images"
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a picture")
    with pytest.raises(ScannerError) as e:
        FakeCamera([bad]).read()
    assert e.value.code == "device.camera.bad_image" and "无法读取图像" in e.value.text("zh")


def test_decode_grayscale_frame() -> None:
    import numpy as np

    frame = np.array(images.qr_image("PDR1|notice|1"))
    assert [s.text for s in decode(frame)] == ["PDR1|notice|1"]
