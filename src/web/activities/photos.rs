//! Activity photos: JPEG or PNG up to 5 MB, decoded and re-encoded on upload so that no
//! metadata (GPS position, camera, time) survives, with a thumbnail; stored under the data
//! folder by street and served only to users of that street.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use image::ImageFormat;
use serde_json::json;

use super::db::{self as queries, PhotoFields};
use super::view::activity_page;
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::{ActivityId, PhotoId, StreetId};
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;
use crate::web::{PathId, scope};

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
const THUMB_WIDTH: u32 = 320;
/// Larger photos are scaled down: a report needs no more.
const MAX_SIDE: u32 = 2400;
/// The most pixels a photo may declare: a 40-megapixel camera. Checked from the header,
/// before anything is decoded.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most the decoder may allocate: one 40-megapixel image with an alpha channel.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 16 * 1024 * 1024;

/// Photos are decoded one at a time, so that uploads at once cannot add up their memory.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// `clean` on a blocking thread, one photo at a time.
async fn clean_one_at_a_time(bytes: Vec<u8>) -> Result<Result<CleanPhoto, &'static str>> {
    let _permit = DECODING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || clean(&bytes))
        .await
        .map_err(AppError::internal)
}

/// A photo made safe: fresh JPEG bytes (no metadata) and a thumbnail.
pub struct CleanPhoto {
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an upload is refused (catalog keys).
pub fn clean(bytes: &[u8]) -> Result<CleanPhoto, &'static str> {
    if bytes.is_empty() {
        return Err("photo.error.empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("photo.error.too_big");
    }
    let format = image::guess_format(bytes).map_err(|_| "photo.error.format")?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err("photo.error.format");
    }
    let reader = || {
        let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes));
        reader.set_format(format);
        reader
    };
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|_| "photo.error.broken")?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err("photo.error.too_many_pixels");
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut decoder = reader();
    decoder.limits(limits);
    let decoded = decoder.decode().map_err(|_| "photo.error.broken")?;
    // Scaled down with a box filter straight from the decoded pixels: a filtered resize would
    // first make a floating-point copy of every source row (250 MB for 40 megapixels).
    let rgb = if decoded.width() > MAX_SIDE || decoded.height() > MAX_SIDE {
        let scale = f64::from(MAX_SIDE) / f64::from(decoded.width().max(decoded.height()));
        let w = ((f64::from(decoded.width()) * scale).round() as u32).clamp(1, MAX_SIDE);
        let h = ((f64::from(decoded.height()) * scale).round() as u32).clamp(1, MAX_SIDE);
        let scaled = image::imageops::thumbnail(&decoded, w, h);
        drop(decoded);
        image::DynamicImage::ImageRgba8(scaled).to_rgb8()
    } else {
        decoded.to_rgb8()
    };
    let encode = |img: &image::RgbImage| -> Result<Vec<u8>, &'static str> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(img)
            .map_err(|_| "photo.error.broken")?;
        Ok(out)
    };
    let thumb = image::imageops::thumbnail(
        &rgb,
        THUMB_WIDTH,
        (u64::from(THUMB_WIDTH) * u64::from(rgb.height()) / u64::from(rgb.width().max(1))).max(1)
            as u32,
    );
    Ok(CleanPhoto {
        jpeg: encode(&rgb)?,
        thumb: encode(&thumb)?,
        width: rgb.width(),
        height: rgb.height(),
    })
}

fn paths(state: &AppState, street: StreetId, id: PhotoId) -> (PathBuf, PathBuf, PathBuf) {
    let dir = state.data_dir.join("photos").join(street.0.to_string());
    (
        dir.join(format!("{id}.jpg")),
        dir.join(format!("{id}.thumb.jpg")),
        dir,
    )
}

pub async fn upload_photo(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    request: Request,
) -> Result<Response> {
    // The body is read whole, and the photo decoded, before a transaction begins: neither a
    // slow upload nor a slow decode holds a database connection.
    let cleaned = match crate::web::upload::read_form(request, &state, "photo").await? {
        None => None,
        Some(form) => Some(match (form.too_big, form.file) {
            (true, _) => Err("photo.error.too_big"),
            (false, None) => Err("photo.error.empty"),
            (false, Some(bytes)) => clean_one_at_a_time(bytes).await?,
        }),
    };
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    // Out of scope is 404 whatever the body was.
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let cleaned = cleaned.ok_or(AppError::BadRequest)?;
    let photo = match cleaned {
        Ok(p) => p,
        Err(key) => {
            let mut e = FieldErrors::default();
            e.add("photo", key);
            let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let photo_id = PhotoId::new();
    let (full, thumb, dir) = paths(&state, street, photo_id);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::write(&full, &photo.jpeg)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::write(&thumb, &photo.thumb)
        .await
        .map_err(AppError::internal)?;
    let saved = async {
        let fields = PhotoFields {
            width: photo.width as i32,
            height: photo.height as i32,
            byte_size: photo.jpeg.len() as i32,
        };
        queries::insert_photo(&mut tx, street, photo_id, id, &fields, user.user_id).await?;
        audit::record(
            &mut tx,
            "photo_uploaded",
            "activity",
            Some(id.0),
            &rctx.ip.to_string(),
            json!({ "photo": photo_id }),
        )
        .await?;
        tx.commit().await
    }
    .await;
    if let Err(err) = saved {
        // Nothing half-stored: the files go when the row could not be written.
        let _ = tokio::fs::remove_file(&full).await;
        let _ = tokio::fs::remove_file(&thumb).await;
        return Err(err.into());
    }
    Ok(Redirect::to(&links::activities::activity_section(id, "photos")).into_response())
}

async fn serve(
    tenant: &Tenant,
    state: AppState,
    staff: Staff,
    id: PhotoId,
    thumbnail: bool,
) -> Result<Response> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    // Only a photo of the user's own street exists for them (RLS and the street filter), and
    // only of an activity they may see (their community's or the whole street's).
    let activity = queries::activity_of_photo(&mut tx, user.street_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    scope::activity(&mut tx, &staff, activity).await?;
    tx.commit().await?;
    let (full, thumb, _) = paths(&state, staff.user.street_id, id);
    let bytes = tokio::fs::read(if thumbnail { thumb } else { full })
        .await
        .map_err(|_| AppError::NotFound)?;
    let mut response = Body::from(bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

pub async fn photo(
    tenant: Tenant,
    State(state): State<AppState>,
    staff: Staff,
    PathId(id): PathId<PhotoId>,
) -> Result<Response> {
    serve(&tenant, state, staff, id, false).await
}

pub async fn thumbnail(
    tenant: Tenant,
    State(state): State<AppState>,
    staff: Staff,
    PathId(id): PathId<PhotoId>,
) -> Result<Response> {
    serve(&tenant, state, staff, id, true).await
}
