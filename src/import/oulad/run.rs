//! Sends a [`Dataset`] through the services, run by run, each command at the time OULAD gives
//! it: the run's space, a paid monthly tier and a course; a topic per activity type and per
//! week, each week a prerequisite of the next; a lesson per material; a member per
//! registration, with a subscription cancelled on the day they unregistered or, for those who
//! stayed, on the run's last day (a course run ends); and a view per student, material and day
//! with its clicks. The course, lessons and members are found again by their external ids, the
//! space by its slug and topics by name, and a view of a day already counted records nothing,
//! so a second run of the same files appends nothing.

use super::files::{Dataset, Material, Registration, View};
use super::runs::Run;
use crate::import::driver::{Driver, refusal};
use anyhow::Context;
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use indicatif::ProgressBar;
use lyceum_api::dto::{
    AccessDto, AddPart, ContentKindDto, CreateContent, CreateMember, CreateSpace, CreateTier,
    DefineTopic, IntervalDto, RelateTopics, RelationDto, StartSubscription, TagContent,
    TierKindDto,
};
use lyceum_api::service::{content, engagement, members, spaces, subscriptions, tiers, topics};
use lyceum_api::space::SpaceRef;
use lyceum_domain::content::{Access, Content, ContentCommand, ContentStatus};
use lyceum_domain::engagement::interaction::Action;
use lyceum_domain::ids::{ContentId, MemberId, SpaceId};
use lyceum_domain::membership::subscription::SubscriptionCommand;
use lyceum_store::catalog;
use lyceum_store::command::load;
use lyceum_store::external_ids::{self, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// The monthly price of a run's tier, in pence.
const MONTHLY_PRICE: i64 = 2_000;
/// How many views are sent at once (each member's views of one material stay in order).
const CONCURRENT: usize = 8;

/// What an import did, and what it found already there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub runs: usize,
    pub lessons: usize,
    pub lessons_created: usize,
    pub members: usize,
    pub members_created: usize,
    pub cancellations: usize,
    pub click_rows: usize,
    pub clicks: i64,
    pub views: usize,
    pub views_recorded: usize,
}

/// Imports `data`; `bar` counts the views.
pub async fn import(driver: &Driver, data: &Dataset, bar: &ProgressBar) -> anyhow::Result<Summary> {
    let mut summary = Summary {
        runs: data.runs.len(),
        click_rows: data.click_rows,
        clicks: data.clicks,
        views: data.views.len(),
        ..Summary::default()
    };
    bar.set_length(data.views.len() as u64);
    for (index, (run, length)) in data.runs.iter().enumerate() {
        let registrations: Vec<&Registration> = data
            .registrations
            .iter()
            .filter(|r| r.run == index)
            .collect();
        // The catalog is in place the day before the first registration.
        let first = registrations
            .iter()
            .filter_map(|r| r.registered)
            .min()
            .unwrap_or(0)
            .min(0);
        let setup = run.at(first - 1)?;
        let space = space(driver, run, setup).await?;
        let (course, tier) = course(driver, &space, run, setup).await?;
        let materials: Vec<&Material> = data.materials.iter().filter(|m| m.run == index).collect();
        let topics = topics_of(driver, &space, &materials, setup).await?;
        let mut lessons = HashMap::new();
        for material in materials {
            let (id, created) =
                lesson(driver, &space, material, course, tier, &topics, setup).await?;
            lessons.insert(material.id_site, id);
            summary.lessons += 1;
            summary.lessons_created += usize::from(created);
        }
        let mut students = HashMap::new();
        for registration in registrations {
            let (id, created) = member(driver, &space, run, *length, tier, registration).await?;
            students.insert(registration.id_student, id);
            summary.members += 1;
            summary.members_created += usize::from(created);
            summary.cancellations += usize::from(created);
        }
        let views: Vec<&View> = data.views.iter().filter(|v| v.run == index).collect();
        summary.views_recorded +=
            views_of(driver, &space, run, &views, &students, &lessons, bar).await?;
    }
    Ok(summary)
}

/// The run's space, made if its slug is free.
async fn space(driver: &Driver, run: &Run, at: DateTime<Utc>) -> anyhow::Result<SpaceRef> {
    let slug = run.slug();
    let id = match lyceum_store::slugs::resolve(&driver.state().db, &slug).await? {
        Some((id, _)) => id,
        None => {
            let input = CreateSpace {
                slug: slug.clone(),
                name: format!("OULAD {} {}", run.module, run.presentation),
                currency: "GBP".into(),
            };
            driver
                .run(at, async |_, auth| spaces::create(auth, input).await)
                .await?
                .id
        }
    };
    Ok(SpaceRef {
        id: SpaceId(id),
        slug,
    })
}

/// The run's course and the paid tier its policy names, made if the course is not there.
async fn course(
    driver: &Driver,
    space: &SpaceRef,
    run: &Run,
    at: DateTime<Utc>,
) -> anyhow::Result<(Uuid, Uuid)> {
    let external = format!("oulad:course:{}", run.code());
    let db = &driver.state().db;
    if let Some(id) = external_ids::find(db, space.id.0, Kind::Content, &external).await? {
        let course = load::<Content>(db, id)
            .await?
            .state
            .state
            .context("the course is gone")?;
        if let Access::Tiers { tier_ids } = course.access
            && let Some(tier) = tier_ids.first()
        {
            return Ok((id, tier.0));
        }
        anyhow::bail!("the course {external} is not for a tier");
    }
    let tier = CreateTier {
        name: "Course fee".into(),
        kind: TierKindDto::Paid,
        monthly_price_minor: Some(MONTHLY_PRICE),
        yearly_price_minor: None,
        trial_days: None,
    };
    let tier = driver
        .run(at, async |state, auth| {
            tiers::create(state, auth, space, tier).await
        })
        .await?
        .id;
    let input = CreateContent {
        kind: ContentKindDto::Course,
        title: format!("{} {}", run.module, run.presentation),
        body: format!("The course run {} of the Open University.", run.code()),
        excerpt: Some(format!("Course run {}.", run.code())),
        access: AccessDto::Tiers {
            tier_ids: vec![tier],
        },
        external_id: Some(external),
    };
    let id = driver
        .run(at, async |state, auth| {
            content::create(state, auth, space, input).await
        })
        .await?
        .id;
    publish(driver, space, id, at).await?;
    Ok((id, tier))
}

/// A topic per activity type and per planned week, each week a prerequisite of the next.
async fn topics_of(
    driver: &Driver,
    space: &SpaceRef,
    materials: &[&Material],
    at: DateTime<Utc>,
) -> anyhow::Result<Topics> {
    let mut found = Topics::default();
    let kinds: BTreeSet<&str> = materials.iter().map(|m| m.activity_type.as_str()).collect();
    for kind in kinds {
        found
            .kinds
            .insert(kind.to_owned(), topic(driver, space, kind, at).await?);
    }
    let weeks: BTreeSet<i64> = materials.iter().filter_map(|m| m.week_from).collect();
    let mut previous: Option<Uuid> = None;
    for week in weeks {
        let id = topic(driver, space, &format!("Week {week}"), at).await?;
        if let Some(before) = previous {
            let input = RelateTopics {
                topic_id: id,
                relation: RelationDto::PrerequisiteOf,
            };
            driver
                .run(at, async |state, auth| {
                    topics::relate(state, auth, space, &before.to_string(), input).await
                })
                .await?;
        }
        found.weeks.insert(week, id);
        previous = Some(id);
    }
    Ok(found)
}

/// The topics of a run: by activity type and by week.
#[derive(Default)]
struct Topics {
    kinds: HashMap<String, Uuid>,
    weeks: BTreeMap<i64, Uuid>,
}

/// The space's topic named `name`, defined if it has none.
async fn topic(
    driver: &Driver,
    space: &SpaceRef,
    name: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<Uuid> {
    if let Some(id) = catalog::topic_named(&driver.state().db, space.id.0, name).await? {
        return Ok(id);
    }
    let input = DefineTopic {
        name: name.to_owned(),
        description: None,
    };
    Ok(driver
        .run(at, async |_, auth| topics::define(auth, space, input))
        .await?
        .id)
}

/// A material's lesson, published, filed under its topics and in the course; `true` if it was
/// made now. A lesson found half done (an import stopped midway) is finished.
async fn lesson(
    driver: &Driver,
    space: &SpaceRef,
    material: &Material,
    course: Uuid,
    tier: Uuid,
    topics: &Topics,
    at: DateTime<Utc>,
) -> anyhow::Result<(ContentId, bool)> {
    let db = &driver.state().db;
    let external = format!("oulad:{}", material.id_site);
    let (id, created) = match external_ids::find(db, space.id.0, Kind::Content, &external).await? {
        Some(id) => (id, false),
        None => {
            let input = CreateContent {
                kind: ContentKindDto::Lesson,
                title: format!("{} {}", material.activity_type, material.id_site),
                body: format!(
                    "Course material {} ({}) of the Open University.",
                    material.id_site, material.activity_type
                ),
                excerpt: Some(format!("A {} of the course.", material.activity_type)),
                access: AccessDto::Tiers {
                    tier_ids: vec![tier],
                },
                external_id: Some(external),
            };
            let item = driver
                .run(at, async |state, auth| {
                    content::create(state, auth, space, input).await
                })
                .await?;
            (item.id, true)
        }
    };
    let state = load::<Content>(db, id)
        .await?
        .state
        .state
        .context("the lesson is gone")?;
    if state.topic_ids.is_empty() {
        let mut topic_ids: Vec<Uuid> = topics
            .kinds
            .get(&material.activity_type)
            .copied()
            .into_iter()
            .collect();
        topic_ids.extend(material.week_from.and_then(|w| topics.weeks.get(&w)));
        let input = TagContent {
            tags: vec![],
            topic_ids,
        };
        driver
            .run(at, async |state, auth| {
                content::tags::tag(state, auth, space, &id.to_string(), input).await
            })
            .await?;
    }
    if state.status != ContentStatus::Published {
        publish(driver, space, id, at).await?;
    }
    if catalog::parent_of(db, id).await?.is_none() {
        let input = AddPart { part_id: id };
        driver
            .run(at, async |state, auth| {
                content::parts::add(state, auth, space, &course.to_string(), input).await
            })
            .await?;
    }
    Ok((ContentId(id), created))
}

async fn publish(
    driver: &Driver,
    space: &SpaceRef,
    id: Uuid,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    driver
        .run(at, async |state, auth| {
            content::change(state, auth, space, &id.to_string(), ContentCommand::Publish).await
        })
        .await?;
    Ok(())
}

/// A registration's member, with a subscription from the day they registered to the day they
/// unregistered or the run ended; `true` if made now. A member found is left as it is.
async fn member(
    driver: &Driver,
    space: &SpaceRef,
    run: &Run,
    length: i64,
    tier: Uuid,
    registration: &Registration,
) -> anyhow::Result<(MemberId, bool)> {
    let external = format!("oulad:{}", registration.id_student);
    let db = &driver.state().db;
    if let Some(id) = external_ids::find(db, space.id.0, Kind::Member, &external).await? {
        return Ok((MemberId(id), false));
    }
    let joined = registration.registered.unwrap_or(0);
    let at = run.at(joined)?;
    let input = CreateMember {
        email: format!("student-{}@oulad.invalid", registration.id_student),
        display_name: format!("Student {}", registration.id_student),
        external_id: Some(external),
    };
    let member = driver
        .run(at, async |state, auth| {
            members::add(state, auth, space, input).await
        })
        .await?
        .id;
    let start = StartSubscription {
        tier_id: tier,
        interval: IntervalDto::Monthly,
        payment_method: "tok_success".into(),
        offer_code: None,
        referral_code: None,
    };
    let subscription = driver
        .run(at, async |state, auth| {
            subscriptions::start(state, auth, space, &member.to_string(), start).await
        })
        .await?
        .id;
    let left = registration.unregistered.unwrap_or(length).max(joined);
    driver
        .run(run.at(left)?, async |state, auth| {
            subscriptions::change(state, auth, space, &subscription.to_string(), |now| {
                SubscriptionCommand::Cancel { now }
            })
            .await
        })
        .await?;
    Ok((MemberId(member), true))
}

/// Each student's views of each material, in day order, several students and materials at
/// once; returns how many recorded something.
async fn views_of(
    driver: &Driver,
    space: &SpaceRef,
    run: &Run,
    views: &[&View],
    students: &HashMap<i64, MemberId>,
    lessons: &HashMap<i64, ContentId>,
    bar: &ProgressBar,
) -> anyhow::Result<usize> {
    let mut pairs: Vec<Vec<&View>> = Vec::new();
    for view in views {
        match pairs.last_mut() {
            Some(pair)
                if pair[0].id_student == view.id_student && pair[0].id_site == view.id_site =>
            {
                pair.push(view);
            }
            _ => pairs.push(vec![view]),
        }
    }
    futures::stream::iter(pairs)
        .map(|pair| async move {
            let (Some(&member), Some(&item)) = (
                students.get(&pair[0].id_student),
                lessons.get(&pair[0].id_site),
            ) else {
                anyhow::bail!(
                    "student {} or material {} is not in the files",
                    pair[0].id_student,
                    pair[0].id_site
                );
            };
            let checked = engagement::importable(driver.state(), space, member, item)
                .await
                .map_err(refusal)?;
            let mut recorded = 0;
            for view in pair {
                let at = run.at(view.day)?;
                let action = Action::View {
                    day: at.date_naive(),
                    clicks: u32::try_from(view.clicks)?,
                };
                let result = driver
                    .run(at, async |state, auth| {
                        engagement::imported_view(state, auth, space, checked, action).await
                    })
                    .await?;
                recorded += usize::from(result.recorded);
                bar.inc(1);
            }
            Ok(recorded)
        })
        .buffer_unordered(CONCURRENT)
        .try_fold(0, |sum, n| async move { Ok(sum + n) })
        .await
}
