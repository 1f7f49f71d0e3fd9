//! The enrolment QR code: the `otpauth://` URL drawn as SVG by the `qrcode` crate inside the
//! binary (the secret never leaves for a chart service), sent as a `data:` image, which the CSP
//! allows for images.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use qrcode::render::svg;
use qrcode::QrCode;

/// A `data:image/svg+xml` URI of the QR code of `text`, or `None` if it is too long for one.
pub fn data_uri(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_otpauth_url_becomes_an_svg_image() {
        let uri = super::data_uri("otpauth://totp/Envkeep:a%40b.example?secret=GEZDGNBV").unwrap();
        assert!(uri.starts_with("data:image/svg+xml;base64,"));
        let svg =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &uri[26..]).unwrap();
        assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    }
}
