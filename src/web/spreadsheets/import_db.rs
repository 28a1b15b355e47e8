//! Writing an import's rows, all in the caller's transaction: new children with their guardians
//! and file consent, the children already in the street updated with what their rows change,
//! and new volunteers.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::domain::child::Relation;
use crate::domain::ids::{ChildId, CommunityId, StreetId, UserId};
use crate::web::children::db::ChildFields;

/// What a checked row of a children's roster writes.
pub struct ImportChild {
    pub fields: ChildFields,
    pub id_number: Option<(Vec<u8>, Vec<u8>, String)>,
    pub guardian: Option<(String, Relation, String)>,
    pub parent: Option<(String, Relation, String)>,
    pub consent_on: Option<NaiveDate>,
}

/// What a checked row of a volunteers' roster writes.
pub struct ImportVolunteer {
    pub name: String,
    pub phone: String,
    pub kind: String,
    pub team: String,
    pub skills: String,
    pub record_check: Option<NaiveDate>,
    pub training: Option<NaiveDate>,
}

/// Update the children already in the street with the fields their rows hold (a field left
/// empty in the file, or without a column, keeps its value), each audited like a save of the
/// form with the fields it changed.
pub async fn update_existing(
    conn: &mut PgConnection,
    street: StreetId,
    rows: &[(ChildId, &ImportChild, &[&'static str])],
    by: UserId,
    ip: &str,
) -> Result<usize, sqlx::Error> {
    for (child, row, changes) in rows {
        let f = &row.fields;
        // Only the fields that differ are written; every other keeps its value.
        let set = |field: &str, value: String| changes.contains(&field).then_some(value);
        sqlx::query(
            "UPDATE child SET
                 name = coalesce($3, name), name_initials = coalesce($4, name_initials),
                 gender = coalesce($5::gender, gender), birth_date = coalesce($6::date, birth_date),
                 address = coalesce($7, address), school = coalesce($8, school), grade = coalesce($9, grade),
                 class_name = coalesce($10, class_name), class_teacher = coalesce($11, class_teacher),
                 class_teacher_phone = coalesce($12, class_teacher_phone),
                 left_behind = coalesce($13::left_behind_kind, left_behind),
                 parents_work_place = coalesce($14, parents_work_place),
                 parents_return_frequency = coalesce($15, parents_return_frequency),
                 care_situation = coalesce($16::care_situation, care_situation),
                 risk_level = coalesce($17::risk_level, risk_level),
                 updated_by = $18, version = version + 1, updated_at = now()
             WHERE street_id = $1 AND id = $2",
        )
        .bind(street.0)
        .bind(child.0)
        .bind(set("name", f.name.clone()))
        .bind(set("name", f.name_initials.clone()))
        .bind(set("gender", f.gender.key().to_string()))
        .bind(set("birth_date", f.birth_date.to_string()))
        .bind(set("address", f.address.clone()))
        .bind(set("school", f.school.clone()))
        .bind(set("grade", f.grade.clone()))
        .bind(set("class_name", f.class_name.clone()))
        .bind(set("class_teacher", f.class_teacher.clone()))
        .bind(set("class_teacher_phone", f.class_teacher_phone.clone()))
        .bind(set("left_behind", f.left_behind.key().to_string()))
        .bind(set("parents_work_place", f.parents_work_place.clone()))
        .bind(set("parents_return_frequency", f.parents_return_frequency.clone()))
        .bind(set("care_situation", f.care_situation.key().to_string()))
        .bind(set("risk_level", f.risk_level.key().to_string()))
        .bind(by.0)
        .execute(&mut *conn)
        .await?;
        crate::audit::record(
            conn,
            "child_updated",
            "child",
            Some(child.0),
            ip,
            serde_json::json!({ "import": true, "fields": changes }),
        )
        .await?;
    }
    Ok(rows.len())
}

/// Rows written by one statement of `insert_children`.
const INSERT_BATCH: usize = 2_000;

/// Write every checked row in the caller's transaction: for each batch, one statement per table,
/// each column bound as one array and unnested (a handful of parameters instead of one per cell,
/// so Postgres parses and plans a short statement instead of thousands of placeholders). Plans
/// are reused for the rest of the transaction (`db::reuse_plans_for_bulk_write`).
pub async fn insert_children(
    conn: &mut PgConnection,
    street: StreetId,
    rows: Vec<ImportChild>,
    by: UserId,
) -> Result<usize, sqlx::Error> {
    crate::db::reuse_plans_for_bulk_write(conn, rows.len()).await?;
    for chunk in rows.chunks(INSERT_BATCH) {
        let ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::now_v7()).collect();
        let col = |f: fn(&ImportChild) -> String| chunk.iter().map(f).collect::<Vec<String>>();
        let id_part = |part: fn(&(Vec<u8>, Vec<u8>, String)) -> Vec<u8>| {
            chunk
                .iter()
                .map(|r| r.id_number.as_ref().map(part))
                .collect::<Vec<Option<Vec<u8>>>>()
        };
        sqlx::query(
            "INSERT INTO child (street_id, created_by, updated_by, id, community_id, grid_id, name, name_initials, gender,
                 birth_date, id_number_enc, id_number_hash, id_number_masked, address, school, grade, class_name,
                 class_teacher, class_teacher_phone, left_behind, parents_work_place, parents_return_frequency,
                 care_situation, risk_level)
             SELECT $1, $2, $2, t.id, t.community_id, t.grid_id, t.name, t.name_initials, t.gender::gender,
                 t.birth_date, t.id_number_enc, t.id_number_hash, t.id_number_masked, t.address, t.school, t.grade,
                 t.class_name, t.class_teacher, t.class_teacher_phone, t.left_behind::left_behind_kind,
                 t.parents_work_place, t.parents_return_frequency, t.care_situation::care_situation,
                 t.risk_level::risk_level
             FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::date[],
                 $10::bytea[], $11::bytea[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                 $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
               AS t (id, community_id, grid_id, name, name_initials, gender, birth_date, id_number_enc,
                 id_number_hash, id_number_masked, address, school, grade, class_name, class_teacher,
                 class_teacher_phone, left_behind, parents_work_place, parents_return_frequency,
                 care_situation, risk_level)",
        )
        .bind(street.0)
        .bind(by.0)
        .bind(&ids)
        .bind(chunk.iter().map(|r| r.fields.community_id.0).collect::<Vec<Uuid>>())
        .bind(chunk.iter().map(|r| r.fields.grid_id).collect::<Vec<Option<Uuid>>>())
        .bind(col(|r| r.fields.name.clone()))
        .bind(col(|r| r.fields.name_initials.clone()))
        .bind(col(|r| r.fields.gender.key().to_string()))
        .bind(chunk.iter().map(|r| r.fields.birth_date).collect::<Vec<NaiveDate>>())
        .bind(id_part(|n| n.0.clone()))
        .bind(id_part(|n| n.1.clone()))
        .bind(col(|r| r.id_number.as_ref().map(|n| n.2.clone()).unwrap_or_default()))
        .bind(col(|r| r.fields.address.clone()))
        .bind(col(|r| r.fields.school.clone()))
        .bind(col(|r| r.fields.grade.clone()))
        .bind(col(|r| r.fields.class_name.clone()))
        .bind(col(|r| r.fields.class_teacher.clone()))
        .bind(col(|r| r.fields.class_teacher_phone.clone()))
        .bind(col(|r| r.fields.left_behind.key().to_string()))
        .bind(col(|r| r.fields.parents_work_place.clone()))
        .bind(col(|r| r.fields.parents_return_frequency.clone()))
        .bind(col(|r| r.fields.care_situation.key().to_string()))
        .bind(col(|r| r.fields.risk_level.key().to_string()))
        .execute(&mut *conn)
        .await?;

        // Guardian at home and parent away, each with its phone in its own column.
        let mut people = People::default();
        for (id, r) in ids.iter().zip(chunk) {
            if let Some((name, relation, phone)) = &r.guardian {
                people.push(*id, name, *relation, false, "", phone);
            }
            if let Some((name, relation, phone)) = &r.parent {
                people.push(
                    *id,
                    name,
                    *relation,
                    true,
                    &r.fields.parents_work_place,
                    phone,
                );
            }
        }
        if !people.child.is_empty() {
            sqlx::query(
                "INSERT INTO guardian (street_id, updated_by, id, child_id, name, relation, phone, is_parent_away,
                     work_place, family_phone, is_entrusted)
                 SELECT $1, $2, t.id, t.child_id, t.name, t.relation::guardian_relation, t.phone, t.away,
                     t.work_place, t.family_phone, NOT t.away
                 FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::text[], $10::text[])
                   AS t (id, child_id, name, relation, phone, away, work_place, family_phone)",
            )
            .bind(street.0)
            .bind(by.0)
            .bind(people.child.iter().map(|_| Uuid::now_v7()).collect::<Vec<Uuid>>())
            .bind(&people.child)
            .bind(&people.name)
            .bind(&people.relation)
            .bind(&people.phone)
            .bind(&people.away)
            .bind(&people.work_place)
            .bind(&people.family_phone)
            .execute(&mut *conn)
            .await?;
        }

        // Consent, given by the guardian at home or else the parent away.
        let consents: Vec<(Uuid, NaiveDate, &str, Relation)> = ids
            .iter()
            .zip(chunk)
            .filter_map(|(id, r)| {
                let (name, relation, _) = r.guardian.as_ref().or(r.parent.as_ref())?;
                r.consent_on.map(|on| (*id, on, name.as_str(), *relation))
            })
            .collect();
        if !consents.is_empty() {
            sqlx::query(
                "INSERT INTO consent (street_id, recorded_by, id, child_id, scope, given_by, relation, given_on, method,
                     notice_version)
                 SELECT $1, $2, t.id, t.child_id, 'file', t.given_by, t.relation::guardian_relation, t.given_on,
                     'written', 'roster import'
                 FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::date[])
                   AS t (id, child_id, given_by, relation, given_on)",
            )
            .bind(street.0)
            .bind(by.0)
            .bind(consents.iter().map(|_| Uuid::now_v7()).collect::<Vec<Uuid>>())
            .bind(consents.iter().map(|c| c.0).collect::<Vec<Uuid>>())
            .bind(consents.iter().map(|c| c.2).collect::<Vec<&str>>())
            .bind(consents.iter().map(|c| c.3.key()).collect::<Vec<&str>>())
            .bind(consents.iter().map(|c| c.1).collect::<Vec<NaiveDate>>())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(rows.len())
}

/// The guardian rows of one batch, column by column.
#[derive(Default)]
struct People<'a> {
    child: Vec<Uuid>,
    name: Vec<&'a str>,
    relation: Vec<&'static str>,
    phone: Vec<&'a str>,
    away: Vec<bool>,
    work_place: Vec<&'a str>,
    family_phone: Vec<&'a str>,
}

impl<'a> People<'a> {
    /// A guardian at home keeps their phone as `phone`; a parent away as the family phone.
    fn push(
        &mut self,
        child: Uuid,
        name: &'a str,
        relation: Relation,
        away: bool,
        work_place: &'a str,
        phone: &'a str,
    ) {
        self.child.push(child);
        self.name.push(name);
        self.relation.push(relation.key());
        self.phone.push(if away { "" } else { phone });
        self.away.push(away);
        self.work_place.push(work_place);
        self.family_phone.push(if away { phone } else { "" });
    }
}

/// Write every row in the caller's transaction; teams are found or made by name. Plans are
/// reused for the rest of the transaction (`db::reuse_plans_for_bulk_write`).
pub async fn insert_volunteers(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
    rows: Vec<ImportVolunteer>,
) -> Result<usize, sqlx::Error> {
    crate::db::reuse_plans_for_bulk_write(conn, rows.len()).await?;
    let mut teams: HashMap<String, Option<Uuid>> = HashMap::new();
    for r in &rows {
        if !teams.contains_key(&r.team) {
            let id =
                crate::web::volunteers::db::team_id(conn, street, community.0, &r.team).await?;
            teams.insert(r.team.clone(), id);
        }
    }
    for chunk in rows.chunks(1000) {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO volunteer (street_id, id, community_id, team_id, name, phone, kind, skills, record_check_seen_on, training_done_on) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(street.0)
                .push_bind(Uuid::now_v7())
                .push_bind(community.0)
                .push_bind(teams.get(&r.team).copied().flatten())
                .push_bind(r.name.clone())
                .push_bind(r.phone.clone())
                .push_bind(r.kind.clone())
                .push_unseparated("::text::volunteer_kind")
                .push_bind(r.skills.clone())
                .push_bind(r.record_check)
                .push_bind(r.training);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(rows.len())
}
