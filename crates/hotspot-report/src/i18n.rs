//! Swedish and English texts of the report: one key table with both
//! languages side by side, number formats ([`Locale`]) and dates.
//!
//! Every visible label and sentence is looked up here; a test checks that
//! every key has both languages and that every key the report code uses is in
//! the table. Placeholders in texts are written `{name}` and filled by
//! [`Tr::fmt`].

use super::config::Lang;
use hotspot_render::Locale;

/// `(key, Swedish, English)`.
const TEXTS: &[(&str, &str, &str)] = &[
    ("patrol.any_day", "alla dagar", "every day"),
    ("patrol.all_day", "hela dygnet", "all day"),
    ("col.day_counts", "Händelser mån–sön", "Incidents Mon–Sun"),
    (
        "patrol.oos",
        "Prövat på månader som valet inte byggde på: områden valda på {train} rymde {in_hit} av de patrullerbara händelserna under de månaderna (PAI {in_pai}) och {out_hit} av de {n} händelserna under {test} (PAI {out_pai}), på {area} av ytan. PAI över 1 betyder att områdena fångar fler händelser än deras andel av ytan motsvarar. De rekommenderade områdena ovan är sedan valda på nytt med alla månader.",
        "Tested on months the choice did not use: zones chosen on {train} held {in_hit} of the patrollable incidents of those months (PAI {in_pai}) and {out_hit} of the {n} incidents of {test} (PAI {out_pai}), on {area} of the area. A PAI above 1 means the zones catch more incidents than their share of the area would suggest. The recommended zones above were then chosen again using all months.",
    ),
    (
        "patrol.oos_no_times",
        "Områdena har inte prövats på senare månader: händelserna saknar tidpunkt, så det går inte att skilja tidigare från senare händelser.",
        "The zones were not tested on later months: the incidents have no time, so earlier and later incidents cannot be told apart.",
    ),
    (
        "patrol.oos_one_month",
        "Områdena har inte prövats på senare månader: händelserna täcker bara en kalendermånad, och prövningen behöver minst två.",
        "The zones were not tested on later months: the incidents cover a single calendar month, and the test needs at least two.",
    ),
    (
        "patrol.oos_other",
        "Områdena har inte prövats på senare månader ({reason}).",
        "The zones were not tested on later months ({reason}).",
    ),
    (
        "patrol.oos_off",
        "Områdena har inte prövats på senare månader (holdout = 0 i inställningarna).",
        "The zones were not tested on later months (holdout = 0 in the settings).",
    ),
    (
        "patrol.oos_quarter",
        "den sista fjärdedelen av perioden",
        "the last quarter of the span",
    ),
    (
        "patrol.oos_last_n",
        "de sista {n} månaderna",
        "the last {n} months",
    ),
    (
        "method.patrol_oos",
        "Prövning utanför urvalet: patrullområdena väljs på alla månader utom {h} (inställningen holdout; 0 stänger av prövningen) och prövas på dem; träffandel = andel av händelserna som ligger i ett område, PAI = träffandel / områdenas andel av ytan (Chainey, Tompson & Uhlig 2008). Därefter väljs områdena på nytt med alla månader. Dagar och tider: varje områdes händelser per veckodag och per timme jämförs med händelserna utanför områdena (Pearsons chi-två-test, med Monte Carlo-p-värde när något väntat antal är under 5; Holm-justering över alla områden och båda proven). Där skillnaden inte är säkerställd (justerat p ≥ 0,05) anges ”alla dagar” och antalen visas; händelser med ett tidsintervall räknas bara när hela intervallet ligger på en dag (en timme).",
        "Out-of-sample test: the patrol zones are chosen on all months but {h} (setting holdout; 0 turns the test off) and scored on those; hit rate = share of the incidents inside a zone, PAI = hit rate / the zones' share of the area (Chainey, Tompson & Uhlig 2008). The zones are then chosen again using all months. Days and hours: each zone's incidents by weekday and by hour are compared with the incidents outside the zones (Pearson's chi-square test, with a Monte Carlo p-value when an expected count is below 5; Holm adjustment over all zones and both tests). Where the difference is not established (adjusted p ≥ 0.05) the zone reads \u{201c}every day\u{201d} and the counts are shown; incidents with a time interval count only when the whole interval lies on one day (one hour).",
    ),
    (
        "col.higher_than_comparable",
        "Fler än på jämförbara platser",
        "More than at comparable places",
    ),
    (
        "schools.times",
        "När skadegörelsen sker i skolzonerna: andel per tidsklass bland händelser med känd tid (händelser med ett tidsintervall, ”mellan fredag 16 och måndag 07”, fördelas över timmarna i intervallet; {n} av {m} händelser hade ett sådant). Andelen utanför skoltid jämförs med skadegörelse på andra platser i kommunen, utanför skolzonerna och i det område där händelser kan ske (sjöar borträknade), inte med andelen av veckans timmar.",
        "When vandalism happens in the school zones: share per time class among incidents with a known time (incidents with a time interval, \u{201c}between Friday 16 and Monday 07\u{201d}, are spread over the hours of the interval; {n} of {m} incidents had one). The share outside school hours is compared with vandalism elsewhere in the municipality, outside the school zones and within the area where incidents can happen (lakes excluded), not with the share of the hours of the week.",
    ),
    ("col.school_hours", "Skoltid", "School hours"),
    ("col.evening", "Kväll", "Evening"),
    ("col.night", "Natt", "Night"),
    ("col.weekend", "Helg", "Weekend"),
    ("col.holiday", "Lov", "Holiday"),
    (
        "col.out_of_hours",
        "Utanför skoltid",
        "Outside school hours",
    ),
    (
        "col.out_of_hours_elsewhere",
        "Utanför skoltid, övriga platser",
        "Outside school hours, elsewhere",
    ),
    (
        "schools.controlled",
        "Varje skolzon jämförs med zoner av samma storlek på jämförbara platser, där händelser sker och omgivningen är lika livlig (inte med hela kommunen, som mest är skog och sjöar); en skola pekas ut bara när den har fler händelser inom något problemområde än sådana platser, efter justering för att många jämförelser görs (Holm).",
        "Each school zone is compared with zones of the same size at comparable places, where incidents happen and the surroundings are as busy (not with the whole municipality, which is mostly forest and lakes); a school is singled out only where it has more incidents in some problem area than such places, after adjusting for the many comparisons made (Holm).",
    ),
    (
        "schools.no_concern",
        "Ingen skola har fler händelser än jämförbara platser i något problemområde.",
        "No school has more incidents than comparable places in any problem area.",
    ),
    (
        "schools.concerns",
        "Fler händelser än på jämförbara platser: {s}.",
        "More incidents than at comparable places: {s}.",
    ),
    (
        "bw.fixed",
        "bandbredd {b} m (angiven i inställningarna).",
        "bandwidth {b} m (set in the configuration).",
    ),
    (
        "bw.arcgis",
        "bandbredd {b} m enligt ArcGIS-regeln.",
        "bandwidth {b} m by the ArcGIS rule.",
    ),
    (
        "bw.fallback",
        "bandbredd {b} m enligt ArcGIS-regeln, eftersom tiderna inte räcker för korsvalidering ({why}).",
        "bandwidth {b} m by the ArcGIS rule, as the times do not allow a cross-validated choice ({why}).",
    ),
    (
        "bw.predictive",
        "bandbredd {b} m, vald genom tidsmässig korsvalidering bland {k} kandidater från {lo} till {hi} m: ytan anpassas på tidigare månader och prövas på var och en av de {f} följande perioderna med PAI (andelen av nästa periods händelser i de tätaste {p} % av ytan delat med ytandelen; medel-PAI {pai}; alla kandidater: {scores}).",
        "bandwidth {b} m, chosen by temporal cross-validation out of {k} candidates from {lo} to {hi} m: the surface is fitted on earlier months and scored on each of the {f} following periods by the PAI (the share of the next period's incidents in the densest {p} % of the area, divided by that share of the area; mean PAI {pai}; all candidates: {scores}).",
    ),
    (
        "sec.perception",
        "Upplevd otrygghet och anmälda händelser",
        "Perceived insecurity and recorded incidents",
    ),
    (
        "perc.failed",
        "Jämförelsen med den upplevda otryggheten kunde inte göras: {e}",
        "The comparison with perceived insecurity could not be made: {e}",
    ),
    (
        "perc.intro",
        "Medborgarnas markeringar av platser där de känner sig otrygga ({file}: {rows} markeringar som tillsammans står för {pins} svar inom området) jämförs här med de {n} anmälda händelserna under perioden, ruta för ruta ({cell} × {cell} m). Jämförelsen görs över {area}.",
        "Residents' pins of places where they feel unsafe ({file}: {rows} pins representing {pins} responses inside the area) are compared here with the {n} recorded incidents of the period, cell by cell ({cell} × {cell} m). The comparison is made over {area}.",
    ),
    (
        "perc.outside",
        "{k} markeringar utanför området (t.ex. i vatten) räknas inte.",
        "{k} pins outside the area (e.g. in water) are not counted.",
    ),
    (
        "perc.rejected",
        "{k} rader i markeringsfilen kunde inte läsas och räknas inte.",
        "{k} rows of the pin file could not be read and are not counted.",
    ),
    (
        "perc.s_index",
        "S-index är {s}: i {sim} av de {k} rutor som har minst en anmäld händelse eller en markering skiljer sig rutans andel av markeringarna inte från dess andel av de anmälda händelserna (Fishers exakta test per ruta, Holm-justerat, 5 %-nivå; Andresen 2009, Wheeler, Steenbeek & Andresen 2018). 1 betyder att de två mönstren stämmer överens i varje ruta, 0 att de skiljer sig i alla.",
        "The S-index is {s}: in {sim} of the {k} cells with at least one recorded incident or one pin, the cell's share of the pins does not differ from its share of the recorded incidents (Fisher's exact test per cell, Holm-adjusted, 5 % level; Andresen 2009, Wheeler, Steenbeek & Andresen 2018). 1 means the two patterns agree in every cell, 0 that they differ in all.",
    ),
    (
        "perc.classes",
        "{po} rutor har en större andel av markeringarna än av händelserna (platsen upplevs otryggare än de anmälda händelserna visar), och {ro} rutor har en större andel av händelserna än av markeringarna.",
        "{po} cells hold a larger share of the pins than of the incidents (the place feels less safe than the recorded incidents show), and {ro} cells hold a larger share of the incidents than of the pins.",
    ),
    (
        "perc.public",
        "{k} rutor med färre än {n} händelser eller markeringar (men minst en) visas inte på kartorna, namnges inte och räknas inte i antalen ovan; S-index gäller alla jämförda rutor.",
        "{k} cells with fewer than {n} incidents or pins (but at least one) are not shown on the maps, not named and not counted in the figures above; the S-index covers all compared cells.",
    ),
    (
        "perc.public_map",
        "{k} rutor med små antal visas inte (färre än {n}).",
        "{k} cells with small counts not shown (fewer than {n}).",
    ),
    ("perc.low", "låg", "low"),
    ("perc.mid", "medel", "middle"),
    ("perc.high", "hög", "high"),
    (
        "perc.bi_label",
        "upplevd {p}, anmäld {r}",
        "perceived {p}, recorded {r}",
    ),
    (
        "perc.axis_x",
        "Anmälda händelser: låg → hög",
        "Recorded incidents: low → high",
    ),
    (
        "perc.axis_y",
        "↑ Upplevd otrygghet (markeringar): låg → hög",
        "↑ Perceived insecurity (pins): low → high",
    ),
    (
        "perc.legend_cells",
        "Rutor om {cell} m, tredjedelar av antalen",
        "{cell} m cells, thirds of the counts",
    ),
    (
        "perc.legend_classes",
        "Rutor om {cell} m (Fishers test, Holm, 5 %)",
        "{cell} m cells (Fisher's test, Holm, 5 %)",
    ),
    (
        "perc.map_bivariate",
        "Anmälda händelser och upplevd otrygghet",
        "Recorded incidents and perceived insecurity",
    ),
    (
        "perc.map_classes",
        "Där upplevelse och anmälningar skiljer sig",
        "Where perception and records differ",
    ),
    (
        "perc.class_perceived",
        "upplevs otryggare än anmälningarna visar",
        "feels less safe than records show",
    ),
    (
        "perc.class_recorded",
        "fler anmälda händelser än markeringar",
        "more recorded than pinned",
    ),
    ("perc.class_similar", "ingen skillnad", "no difference"),
    (
        "perc.cap_bivariate",
        "Anmälda händelser och markeringar per ruta, var för sig delade i tredjedelar (låg, medel, hög) av rutornas antal. Mörkt lila: mycket av båda; blått: många markeringar men få händelser; rött: många händelser men få markeringar; ljusgrått: lite av båda.",
        "Recorded incidents and pins per cell, each split into thirds (low, middle, high) of the cells' counts. Dark purple: much of both; blue: many pins but few incidents; red: many incidents but few pins; light grey: little of either.",
    ),
    (
        "perc.cap_classes",
        "Rutor där andelen av markeringarna och andelen av de anmälda händelserna skiljer sig efter Holm-justering: blått upplevs otryggt utan motsvarande anmälda händelser, rött har fler anmälda händelser än markeringar, grått skiljer sig inte.",
        "Cells where the share of the pins and the share of the recorded incidents differ after Holm adjustment: blue feels unsafe without matching recorded incidents, red has more recorded incidents than pins, grey does not differ.",
    ),
    (
        "perc.sub_perceived",
        "Upplevs otryggare än de anmälda händelserna visar",
        "Feels less safe than the recorded incidents show",
    ),
    (
        "perc.sub_recorded",
        "Fler anmälda händelser än markeringar",
        "More recorded incidents than pins",
    ),
    (
        "perc.do_perceived",
        "Här väger upplevelsen tyngre än det som anmäls, och det är ofta platsens utformning och känsla som gör den otrygg: pröva situationella åtgärder som bättre belysning, röjning av växtlighet och mer närvaro (vuxna, fältassistenter, polis), och fråga dem som markerat vad som gör platsen otrygg.",
        "Here the perception outweighs what is recorded, and it is often the design and feel of the place that make it feel unsafe: try situational measures such as better lighting, cutting back vegetation and more presence (adults, youth workers, police), and ask those who pinned it what makes the place feel unsafe.",
    ),
    (
        "perc.do_recorded",
        "Här behövs patrull eller andra polisiära och kommunala åtgärder mot det som anmäls, och ett annat samtal: varför upplevs platsen inte som otrygg? Händelserna kan ske när få är ute, drabba en liten grupp eller inte synas (t.ex. bedrägerier och brott inomhus).",
        "Here patrols or other police and municipal measures against what is recorded are needed, and a different conversation: why does the place not feel unsafe? The incidents may happen when few are out, affect a small group or not be visible (e.g. fraud and crime indoors).",
    ),
    (
        "perc.none_perceived",
        "Ingen ruta har en tydligt större andel av markeringarna än av de anmälda händelserna.",
        "No cell holds a clearly larger share of the pins than of the recorded incidents.",
    ),
    (
        "perc.none_recorded",
        "Ingen ruta har en tydligt större andel av de anmälda händelserna än av markeringarna.",
        "No cell holds a clearly larger share of the recorded incidents than of the pins.",
    ),
    (
        "perc.place",
        "{place}: {pins} markeringar, {n} anmälda händelser",
        "{place}: {pins} pins, {n} recorded incidents",
    ),
    ("perc.cells", " ({k} rutor)", " ({k} cells)"),
    (
        "perc.cell_at",
        "ruta vid {lat}, {lon}",
        "cell at {lat}, {lon}",
    ),
    (
        "perc.method",
        "Markeringarna är vad de som svarat har valt att peka ut och säger inget om hur vanligt det är att känna sig otrygg; en plats med få markeringar kan ändå upplevas otrygg av dem som inte svarat. Jämförelsen gäller andelar: en ruta med många händelser och många markeringar kan räknas som lika.",
        "The pins show what respondents chose to point out and say nothing about how common it is to feel unsafe; a place with few pins may still feel unsafe to those who did not respond. The comparison is of shares: a cell with many incidents and many pins can count as similar.",
    ),
    (
        "area.text",
        "rutorna i {what} ({km2} av {of} km²)",
        "the cells of {what} ({km2} of {of} km²)",
    ),
    ("area.study", "studieområdet", "the study area"),
    ("area.minus_water", "utom vatten", "excluding water"),
    (
        "area.in_polygons",
        "inom de angivna bebyggda områdena",
        "inside the built-up areas given",
    ),
    (
        "area.near",
        "inom {m} m från en händelse",
        "within {m} m of an incident",
    ),
    (
        "area.positive",
        "rutorna inom kärnans räckvidd från någon händelse",
        "the cells within the kernel's reach of an incident",
    ),
    ("area.study_cells", "studieområdet", "the study area"),
    // Follow-up, repeat locations and map.html layer names (followup.rs, repeats.rs, layers_out.rs).
    ("followup.fewer", "färre", "fewer"),
    ("followup.more", "fler", "more"),
    (
        "followup.within_normal_variation",
        "inom normal variation",
        "within normal variation",
    ),
    ("followup.all_zones", "Alla zoner", "All zones"),
    ("followup.incidents", "händelser i", "incidents in"),
    (
        "followup.against_expected",
        "mot förväntat",
        "against an expected",
    ),
    (
        "followup.period_not_complete",
        " (perioden är inte hel)",
        " (the period is not complete)",
    ),
    ("followup.incidents_b", "händelser", "incidents"),
    (
        "followup.normal_variation",
        "normal variation (95 %)",
        "normal variation (95 %)",
    ),
    ("followup.expected", "förväntat", "expected"),
    (
        "followup.baseline_mean",
        "basperiodens medel",
        "baseline mean",
    ),
    (
        "followup.fewer_than_normal",
        "färre än normalt",
        "fewer than normal",
    ),
    (
        "followup.more_than_normal",
        "fler än normalt",
        "more than normal",
    ),
    (
        "followup.incidents_per_period",
        "händelser per period",
        "incidents per period",
    ),
    (
        "followup.period_not_complete_expected",
        "* = perioden är inte hel; förväntat antal räknat på de dagar som finns.",
        "* = period not complete; expected count for the days covered.",
    ),
    ("followup.follow_up", "Uppföljning", "Follow-up"),
    ("followup.baseline", "Basperiod:", "Baseline:"),
    ("followup.followed_up", "Uppföljning:", "Follow-up:"),
    (
        "followup.expected_count_count_same",
        "Förväntat antal är antalet under samma del av basåret. Gränserna för normal variation är ett 95-procentsintervall för en negativ binomialfördelning med spridningen skattad ur basperiodens månadsantal (kvasi-Poisson; McCullagh & Nelder 1989).",
        "The expected count is the count in the same part of the baseline year. The limits of normal variation are a 95 % negative binomial interval with the dispersion estimated from the baseline's monthly counts (quasi-Poisson; McCullagh & Nelder 1989).",
    ),
    (
        "followup.expected_count_baseline_s",
        "Förväntat antal är basperiodens takt per dag gånger periodens dagar. Gränserna för normal variation är ett 95-procentsintervall för en negativ binomialfördelning med spridningen skattad ur basperiodens månadsantal (kvasi-Poisson; McCullagh & Nelder 1989).",
        "The expected count is the baseline's rate per day times the period's days. The limits of normal variation are a 95 % negative binomial interval with the dispersion estimated from the baseline's monthly counts (quasi-Poisson; McCullagh & Nelder 1989).",
    ),
    (
        "followup.latest_period_zone",
        "Senaste perioden per zon",
        "Latest period by zone",
    ),
    (
        "followup.latest_period_problem_area",
        "Senaste perioden per problemområde (alla zoner)",
        "Latest period by problem area (all zones)",
    ),
    ("followup.all_incidents", "alla händelser", "all incidents"),
    ("followup.displacement", "Förflyttning", "Displacement"),
    (
        "followup.incidents_zone_ring_around",
        "Antal händelser i zonen, i en ring runt den och i resten av kommunen (kontroll) under basperioden och uppföljningen. WDQ (Bowers & Johnson 2003) över 0 betyder att också ringen förbättrades (spridning av nytta), under 0 att problemen kan ha flyttat dit; den saknas när zonen inte förbättrades mot kontrollen.",
        "Incidents in the zone, in a ring around it and in the rest of the municipality (control) in the baseline and the follow-up. A WDQ (Bowers & Johnson 2003) above 0 means the ring improved too (diffusion of benefit), below 0 that problems may have moved there; it is undefined when the zone did not improve against the control.",
    ),
    (
        "followup.diffusion_benefit",
        "spridning av nytta",
        "diffusion of benefit",
    ),
    ("followup.displacement_b", "förflyttning", "displacement"),
    (
        "followup.no_change_ring",
        "ingen förändring i ringen",
        "no change in the ring",
    ),
    (
        "followup.undefined_zone_did_not",
        "ej definierad: zonen förbättrades inte",
        "undefined: the zone did not improve",
    ),
    ("followup.zone", "Zon", "Zone"),
    ("followup.zone_before", "Zon före", "Zone before"),
    ("followup.zone_after", "Zon efter", "Zone after"),
    ("followup.ring_before", "Ring före", "Ring before"),
    ("followup.ring_after", "Ring efter", "Ring after"),
    ("followup.reading", "Tolkning", "Reading"),
    (
        "followup.what_was_done",
        "Genomförda insatser",
        "What was done",
    ),
    (
        "followup.short_visits_min",
        "Korta besök (≤ 15 min)",
        "Short visits (≤ 15 min)",
    ),
    (
        "followup.longer_presence",
        "Längre närvaro",
        "Longer presence",
    ),
    ("followup.patrol_hours", "Patrulltimmar", "Patrol hours"),
    (
        "followup.other_measures_hours",
        "Andra insatser, timmar",
        "Other measures, hours",
    ),
    (
        "followup.change_against_expected",
        "Förändring mot förväntat",
        "Change vs expected",
    ),
    (
        "followup.rows_patrol_log_could",
        "rader i insatsloggen kunde inte läsas och är inte med.",
        "rows of the activity log could not be read and are left out.",
    ),
    (
        "followup.before_after_comparison_does",
        "En jämförelse före och efter visar inte att insatserna orsakat förändringen: en nedgång kan vara återgång mot medelvärdet efter ett ovanligt år, ändrad anmälningsbenägenhet eller en trend i hela kommunen. Kontrollområdet och WDQ gör bilden säkrare men bevisar ingen effekt.",
        "A before/after comparison does not show that the measures caused the change: a drop may be regression to the mean after an unusual year, a change in reporting, or a municipality-wide trend. The control area and the WDQ make the picture more reliable but do not prove an effect.",
    ),
    (
        "repeats.repeat_locations",
        "Upprepade platser",
        "Repeat locations",
    ),
    (
        "repeats.places_incidents_within_m",
        "platser (händelser inom 25 m från varandra räknas som samma plats) hade två eller fler händelser. Där skedde",
        "places (incidents within 25 m of each other count as one place) had two or more incidents. These places had",
    ),
    ("repeats.incidents", "händelser", "incidents"),
    ("repeats.all", "av alla", "of all"),
    (
        "repeats.after_incident_another_followed",
        "Efter en händelse kom en ny på samma plats inom 30 dagar i",
        "After an incident, another followed at the same place within 30 days in",
    ),
    (
        "repeats.cases_with_random_times",
        "av fallen; om tiderna vore slumpmässiga väntas",
        "of cases; if the times were random, one would expect",
    ),
    (
        "repeats.public_report_gives_totals",
        "Den offentliga versionen anger bara summor, inga enskilda platser.",
        "The public version gives totals only, no individual places.",
    ),
    (
        "repeats.place_lat_lon",
        "Plats (lat, lon)",
        "Place (lat, lon)",
    ),
    ("repeats.incidents_b", "Händelser", "Incidents"),
    ("repeats.first", "Första", "First"),
    ("repeats.last", "Senaste", "Last"),
    (
        "repeats.median_days_between",
        "Median dagar mellan",
        "Median days between",
    ),
    ("repeats.categories", "Kategorier", "Categories"),
    ("layers.water", "Vatten", "Water"),
    ("layers.buildings", "Byggnader", "Buildings"),
    ("layers.roads", "Vägar", "Roads"),
    ("layers.places", "Platser", "Places"),
    ("layers.incidents", "Händelser", "Incidents"),
    (
        "layers.perception",
        "Upplevd otrygghet mot anmälda händelser",
        "Perceived insecurity against recorded incidents",
    ),
    ("layers.perception_class", "Klass", "Class"),
    ("layers.perception_pins", "Markeringar", "Pins"),
    (
        "layers.public_version_no_individual",
        "Offentlig version: inga enskilda händelser, små antal visas inte",
        "Public version: no individual incidents, small counts not shown",
    ),
    (
        "layers.internal_version",
        "Intern version",
        "Internal version",
    ),
    ("layers.boundary", "Kommungräns", "Municipal boundary"),
    ("layers.count_grid", "Rutnät med antal", "Count grid"),
    ("layers.cell_m", "Ruta (m)", "Cell (m)"),
    (
        "layers.gi_hot_cold_cells",
        "Gi*: rutor med förhöjd och sänkt nivå",
        "Gi* hot and cold cells",
    ),
    ("layers.bin", "Klass", "Bin"),
    (
        "layers.hotspots_density",
        "Hotspots (täthet)",
        "Hotspots (density)",
    ),
    ("layers.rank", "Rang", "Rank"),
    ("layers.area_km", "Yta (km²)", "Area (km²)"),
    (
        "layers.peak_density_per_km",
        "Högsta täthet per km²",
        "Peak density per km²",
    ),
    ("layers.clusters", "Kluster", "Clusters"),
    ("layers.cluster", "Kluster", "Cluster"),
    (
        "layers.most_common_category",
        "Vanligaste kategori",
        "Most common category",
    ),
    ("layers.school_zones", "Skolzoner", "School zones"),
    ("layers.school", "Skola", "School"),
    ("layers.radius_m", "Radie (m)", "Radius (m)"),
    ("layers.patrol_zones", "Patrullzoner", "Patrol zones"),
    ("layers.zone", "Zon", "Zone"),
    ("layers.times", "Tider", "Times"),
    ("layers.patrol_route", "Patrullrutt", "Patrol route"),
    ("layers.length_m", "Längd (m)", "Length (m)"),
    ("layers.schools", "Skolor", "Schools"),
    ("layers.category", "Kategori", "Category"),
    ("layers.time", "Tid", "Time"),
    (
        "layers.gi_hot_cell",
        "Gi*: förhöjd nivå, 99 %",
        "Gi*: hot cell, 99 %",
    ),
    (
        "layers.gi_cold_cell",
        "Gi*: sänkt nivå, 99 %",
        "Gi*: cold cell, 99 %",
    ),
    ("layers.patrol_zone", "Patrullzon", "Patrol zone"),
    (
        "layers.school_school_zone",
        "Skola / skolzon",
        "School / school zone",
    ),
    (
        "area.box",
        "rutnätet över händelsernas utbredning",
        "the grid over the incidents' extent",
    ),
    ("title.default", "Lägesbild", "Situation report"),
    (
        "step.layers",
        "skriver händelselagret",
        "writing the incident layer",
    ),
    (
        "sub.gi",
        "Statistiskt säkerställda koncentrationer (Gi*)",
        "Statistically significant concentrations (Gi*)",
    ),
    (
        "gi.text",
        "Getis-Ord Gi* på rutor om {c} m med grannskap inom {d} m och justering för många test (Benjamini-Hochberg). Röda rutor har signifikant fler händelser i sitt grannskap än genomsnittet för {ref}, blå signifikant färre.",
        "Getis-Ord Gi* on cells of {c} m with neighbours within {d} m and a correction for many tests (Benjamini-Hochberg). Red cells have significantly more incidents in their neighbourhood than the average over {ref}, blue significantly fewer.",
    ),
    (
        "gi.failed",
        "Gi*-analysen kunde inte göras: {e}",
        "The Gi* analysis could not be run: {e}",
    ),
    (
        "gi.hot99",
        "Förhöjd nivå, 99 % konfidens",
        "Hot spot, 99 % confidence",
    ),
    (
        "gi.hot95",
        "Förhöjd nivå, 95 % konfidens",
        "Hot spot, 95 % confidence",
    ),
    (
        "gi.hot90",
        "Förhöjd nivå, 90 % konfidens",
        "Hot spot, 90 % confidence",
    ),
    (
        "gi.cold99",
        "Sänkt nivå, 99 % konfidens",
        "Cold spot, 99 % confidence",
    ),
    (
        "gi.cold95",
        "Sänkt nivå, 95 % konfidens",
        "Cold spot, 95 % confidence",
    ),
    (
        "gi.cold90",
        "Sänkt nivå, 90 % konfidens",
        "Cold spot, 90 % confidence",
    ),
    (
        "map.gi",
        "Statistiskt säkerställda koncentrationer (Gi*)",
        "Statistically significant concentrations (Gi*)",
    ),
    (
        "legend.gi",
        "Fler eller färre händelser än väntat (Gi*, justerat för många test)",
        "More or fewer incidents than expected (Gi*, adjusted for many tests)",
    ),
    (
        "cap.gi",
        "Rutor där händelserna i grannskapet är signifikant fler (röda) eller färre (blå) än väntat.",
        "Cells where incidents in the neighbourhood are significantly more (red) or fewer (blue) than expected.",
    ),
    ("col.class", "Klass", "Class"),
    ("col.cells", "Rutor", "Cells"),
    ("step.gi", "beräknar Gi*", "computing Gi*"),
    (
        "step.clusters",
        "söker kluster (HDBSCAN)",
        "finding clusters (HDBSCAN)",
    ),
    (
        "sub.clusters",
        "Kluster av händelser (HDBSCAN)",
        "Incident clusters (HDBSCAN)",
    ),
    (
        "clusters.text",
        "HDBSCAN grupperar händelser som ligger tätare än omgivningen, utan en fast radie; ett kluster har minst {m} händelser. {k} kluster med sammanlagt {n} händelser hittades. Kartan visar varje klusters yttre gräns (konkavt hölje) och klustrets nummer; numren går från det största klustret.",
        "HDBSCAN groups incidents that lie more densely than their surroundings, without a fixed radius; a cluster has at least {m} incidents. {k} clusters with {n} incidents in all were found. The map shows each cluster's outline (concave hull) and its number, counting from the largest cluster.",
    ),
    (
        "clusters.public",
        "Offentlig version: {k} kluster med färre än {n} händelser visas inte, och klustrens gränser är dragna runt de rutor om {g} m som innehåller klustrets händelser, inte runt enskilda händelser.",
        "Public version: {k} clusters with fewer than {n} incidents are not shown, and the cluster outlines are drawn around the {g} m cells that hold the cluster's incidents, not around single incidents.",
    ),
    (
        "clusters.skipped",
        "Klusteranalysen görs inte i rapporten för fler än {n} händelser (den skulle ta för lång tid); klusteranalysen kan göras separat med verktygets kommando cluster.",
        "The cluster analysis is not run in the report for more than {n} incidents (it would take too long); it can be run separately with the tool's cluster command.",
    ),
    (
        "clusters.failed",
        "Klusteranalysen kunde inte göras: {e}",
        "The cluster analysis could not be run: {e}",
    ),
    ("clusters.label", "K{k}", "C{k}"),
    ("map.clusters", "Kluster av händelser", "Incident clusters"),
    (
        "legend.clusters",
        "Klustergräns (HDBSCAN, minst {m} händelser)",
        "Cluster outline (HDBSCAN, at least {m} incidents)",
    ),
    (
        "legend.clusters_public",
        "Klustergräns (rutor med klustrets händelser)",
        "Cluster outline (cells holding the cluster's incidents)",
    ),
    (
        "cap.clusters",
        "Kluster av händelser enligt HDBSCAN, numrerade från det största. Gränsen omsluter klustrets händelser; enskilda händelser visas inte på denna karta.",
        "Incident clusters by HDBSCAN, numbered from the largest. The outline encloses the cluster's incidents; single incidents are not shown on this map.",
    ),
    ("col.cluster", "Kluster", "Cluster"),
    (
        "method.clusters",
        "Kluster: HDBSCAN (Campello, Moulavi & Sander 2013) med minsta klusterstorlek {m} (20, eller 0,1 % av händelserna om det är fler) och min_samples högst 50; gränser som konkava höljen (concaveman, Park & Oh 2012), i den offentliga versionen konvexa höljen av rutor.",
        "Clusters: HDBSCAN (Campello, Moulavi & Sander 2013) with minimum cluster size {m} (20, or 0.1 % of the incidents if that is more) and min_samples at most 50; outlines as concave hulls (concaveman, Park & Oh 2012), in the public version convex hulls of grid cells.",
    ),
    (
        "method.gi",
        "Gi*: Getis & Ord (1992), Ord & Getis (1995), klasser som i ArcGIS-verktyget Hot Spot Analysis, p-värden justerade med Benjamini & Hochberg (1995).",
        "Gi*: Getis & Ord (1992), Ord & Getis (1995), classes as in ArcGIS Hot Spot Analysis, p-values adjusted by Benjamini & Hochberg (1995).",
    ),
    (
        "method.kde",
        "Täthet: kerneltäthet med kvartisk kärna (Silverman 1986). Bandbredden väljs för prognos om ingen anges: tidsmässig korsvalidering (rullande start, Tashman 2000) bland 50–400 m med PAI (Chainey, Tompson & Uhlig 2008) som mått; med inställningen bandwidth_rule = ”arcgis”, och när tider saknas, ArcGIS-regeln (ESRI, Kernel Density). Tröskeln tas över riskområdet (studieområdet utom vatten, i förekommande fall begränsat med inställningarna at_risk eller at_risk_from_incidents), och sammanhängande områden delas vid sadelpunkter (vattendelare, Vincent & Soille 1991) när den lägre toppen höjer sig minst 20 % över sadeln; konturer med marching squares.",
        "Density: kernel density with a quartic kernel (Silverman 1986). Unless given, the bandwidth is chosen for prediction: temporal cross-validation (rolling origin, Tashman 2000) over 50–400 m scored by the PAI (Chainey, Tompson & Uhlig 2008); with the setting bandwidth_rule = \u{201c}arcgis\u{201d}, and where incidents lack times, the ArcGIS rule (ESRI, Kernel Density). The threshold is taken over the area at risk (the study area excluding water, restricted by the settings at_risk or at_risk_from_incidents when given), and connected regions are split at saddles (watershed, Vincent & Soille 1991) where the lower peak rises at least 20 % above the saddle; outlines by marching squares.",
    ),
    (
        "method.schools",
        "Skolzoner: händelser inom radien från varje skola jämförs med resten av kommunen med ett exakt villkorligt test för kvoten mellan två Poisson-intensiteter (Breslow & Day 1987).",
        "School zones: incidents within the radius of each school are compared with the rest of the municipality by an exact conditional test for the ratio of two Poisson rates (Breslow & Day 1987).",
    ),
    (
        "method.patrol",
        "Patrullområden: maximal täckning (Church & ReVelle 1974) med girig algoritm, som når minst 63 % av optimum (Nemhauser m.fl. 1978); besökstid 10–15 minuter enligt Koper (1995); rundslinga med närmaste granne och 2-opt. Bara brott som patrullering kan förebygga avgör valet av områden: bedrägerier och brott via nätet eller telefon väger 0 i valet men finns kvar i alla räkningar, också bedrägerier mot äldre som eget mått (inställningen include_all väger in alla).",
        "Patrol zones: maximal covering (Church & ReVelle 1974) by the greedy algorithm, which reaches at least 63 % of the optimum (Nemhauser et al. 1978); visits of 10–15 minutes after Koper (1995); round trip by nearest neighbour and 2-opt. Only offences that patrols can prevent decide the zones: fraud and online or phone offences weigh 0 in the choice but stay in every count, fraud against the elderly as its own measure (the setting include_all weighs them all in).",
    ),
    (
        "cap.hotspots",
        "Täthetsyta (kerneltäthet) med hotspot-områdena inritade. Färgklasserna är satta vid 1/8, 1/4, 1/2, 1 och 2 gånger hotspot-tröskeln.",
        "Density surface (kernel density) with the hotspot areas outlined. Colour classes are set at 1/8, 1/4, 1/2, 1 and 2 times the hotspot threshold.",
    ),
    (
        "cap.patrol",
        "Rekommenderade patrullområden med rangnummer, de dagar och tider då flest händelser inträffat, och en rundslinga mellan dem.",
        "Recommended patrol zones with their rank, the days and times with the most incidents, and a round trip between them.",
    ),
    (
        "cap.rr",
        "Kvot mellan händelsetätheten i skolzonen och i resten av kommunen, med 95 % konfidensintervall (exakt, Poisson). Över 1 = fler händelser per km² än i resten av kommunen.",
        "Ratio of the incident rate in the school zone to the rest of the municipality, with 95 % confidence intervals (exact, Poisson). Above 1 = more incidents per km² than elsewhere.",
    ),
    (
        "cap.rr_vandalism",
        "Samma kvot för skadegörelse, klotter och nedskräpning – medborgarlöftets område med särskilt fokus på skolor.",
        "The same ratio for vandalism, graffiti and littering – the area of the citizen promise with a particular focus on schools.",
    ),
    (
        "cap.schools",
        "Skolzonerna och händelser inom skadegörelse, klotter och nedskräpning.",
        "School zones and incidents of vandalism, graffiti and littering.",
    ),
    (
        "chart.heat_zone",
        "Patrullområde {k}: händelser per veckodag och timme",
        "Patrol zone {k}: incidents by weekday and hour",
    ),
    (
        "chart.rr_all",
        "Skolzoner: alla händelser",
        "School zones: all incidents",
    ),
    (
        "chart.rr_axis",
        "Kvot mot resten av kommunen (logaritmisk skala)",
        "Ratio to the rest of the municipality (log scale)",
    ),
    (
        "chart.rr_note",
        "Fyrkant = skattning, linje = 95 % konfidensintervall. Röd: signifikant högre, blå: signifikant lägre.",
        "Square = estimate, line = 95 % confidence interval. Red: significantly higher; blue: significantly lower.",
    ),
    (
        "chart.rr_vandalism",
        "Skolzoner: skadegörelse, klotter och nedskräpning",
        "School zones: vandalism, graffiti and littering",
    ),
    ("col.days", "Dagar", "Days"),
    ("col.harm", "Skadevärde*", "Harm*"),
    ("col.harm_excess", "Skadeöverskott*", "Excess harm*"),
    ("col.hotspot", "Hotspot", "Hotspot"),
    ("col.p", "p-värde", "p-value"),
    ("col.pai", "PAI", "PAI"),
    (
        "col.peak",
        "Högsta täthet (per km²)",
        "Peak density (per km²)",
    ),
    ("col.rank", "Rang", "Rank"),
    ("col.rr", "Kvot (95 % KI)", "Ratio (95 % CI)"),
    ("col.school", "Skola", "School"),
    ("col.times", "Tider", "Times"),
    (
        "col.top_categories",
        "Vanligaste kategorier",
        "Most frequent categories",
    ),
    ("col.zone", "Område", "Zone"),
    ("col.place", "Plats", "Place"),
    ("sec.answer", "Vad vi föreslår", "What we recommend"),
    (
        "answer.patrol_intro",
        "Vi föreslår gemensamma trygghetsskapande insatser av polis och kommun i första hand på de här platserna och tiderna, rangordnade efter skadevärdet av händelserna där (skadevärde: händelserna vägda efter brottets allvar, så att en misshandel väger tyngre än en nedskräpning):",
        "We propose joint patrols by the police and the municipality at these places and times first, ranked by the harm of the incidents there (harm: incidents weighted by the seriousness of the offence, so that an assault weighs more than littering):",
    ),
    (
        "answer.no_patrol",
        "Inga patrullområden kunde föreslås för perioden.",
        "No patrol zones could be proposed for the period.",
    ),
    ("answer.zone", "Område {k}", "Zone {k}"),
    ("answer.evidence", "{n} händelser", "{n} incidents"),
    (
        "answer.schools",
        "Skolor med statistiskt säkerställt fler händelser inom skolzonen än i lika stora zoner på jämförbara platser i kommunen (platser med lika många händelser runt omkring), och de problemområden där skillnaden finns: {schools}. Vi föreslår brottsförebyggande arbete tillsammans med varje skola mot just de problemen.",
        "Schools with significantly more incidents in the school zone than in zones of the same size at comparable places in the municipality (places with as many incidents around them), and the problem areas where the difference lies: {schools}. We propose crime prevention work with each of these schools against those problems.",
    ),
    (
        "answer.fraud",
        "Bedrägerier mot äldre ({n} händelser) kräver ett eget arbete: de sker på telefon och på nätet, inte på en plats som kan patrulleras. Vi föreslår brottsförebyggande information till äldre och anhöriga samt samarbete med bankerna och hemtjänsten.",
        "Fraud against the elderly ({n} incidents) needs its own line of work: it happens by phone and online, not at a place that can be patrolled. We propose crime prevention advice for older people and their families, and work with the banks and the home-care service.",
    ),
    (
        "answer.evidence_follows",
        "Resten av rapporten är underlaget för förslagen: var och när händelserna sker, och hur säkra mönstren är.",
        "The rest of the report is the evidence behind these proposals: where and when the incidents happen, and how certain the patterns are.",
    ),
    (
        "rule.arcgis",
        "vald från data med ArcGIS-regeln",
        "chosen from the data by the ArcGIS rule",
    ),
    ("rule.given", "angiven", "as given"),
    ("col.area_km2", "Yta (km²)", "Area (km²)"),
    (
        "kde.failed",
        "Täthetsytan kunde inte beräknas: {e}",
        "The density surface could not be computed: {e}",
    ),
    (
        "kde.public",
        "Offentlig version: de delar av täthetsytan som vilar på färre än {n} händelser visas inte.",
        "Public version: the parts of the density surface resting on fewer than {n} incidents are not shown.",
    ),
    (
        "kde.small",
        "{k} små toppar med färre än {n} händelser redovisas inte som hotspots.",
        "{k} small peaks with fewer than {n} incidents are not reported as hotspots.",
    ),
    (
        "kde.text",
        "Kerneltäthet med kvartisk kärna på rutor om {c} m; {bw} Hotspot-områdena är de tätaste {p} % av {ref}, delade vid sadelpunkter så att varje område är en egen topp (en plats): {k} områden som rymmer {share} av händelserna.",
        "Kernel density with a quartic kernel on cells of {c} m; {bw} Hotspot areas are the densest {p} % of {ref}, split at saddles so that each area is one peak (one place): {k} areas holding {share} of the incidents.",
    ),
    (
        "legend.density",
        "Täthet, händelser per km²",
        "Density, incidents per km²",
    ),
    (
        "legend.hotspots",
        "Hotspot (tätaste {p} %)",
        "Hotspot (densest {p} %)",
    ),
    (
        "legend.patrol",
        "Patrullområde med rang",
        "Patrol zone with rank",
    ),
    (
        "legend.route",
        "Föreslagen rundslinga",
        "Suggested round trip",
    ),
    (
        "legend.school_zone",
        "Skolzon ({r} m)",
        "School zone ({r} m)",
    ),
    (
        "map.hotspots",
        "Täthet och hotspot-områden",
        "Density and hotspot areas",
    ),
    (
        "map.patrol",
        "Rekommenderade patrullområden",
        "Recommended patrol zones",
    ),
    (
        "map.schools",
        "Skolor och skolzoner",
        "Schools and school zones",
    ),
    (
        "patrol.none",
        "Inga händelser att välja patrullområden efter.",
        "No incidents to choose patrol zones from.",
    ),
    (
        "patrol.text",
        "{k} patrullområden med radie {r} m valda så att de tillsammans täcker så många skadeviktade händelser inom de fem problemområdena som möjligt (maximal täckning, girig algoritm): {share} av skadevärdet (skadeviktning: varje händelse väger efter brottets allvar enligt kategoritabellen, så att en misshandel väger tyngre än en nedskräpning; skadevärdet är summan av vikterna). Rundslingan mellan områdena är {km} km.",
        "{k} patrol zones of radius {r} m chosen to cover as many harm-weighted incidents in the five problem areas as possible (maximal covering, greedy algorithm): {share} of the harm (harm weighting: each incident is weighted by the seriousness of the offence as set in the category table, so that an assault weighs more than littering; harm is the sum of the weights). The round trip between them is {km} km.",
    ),
    (
        "patrol.times_note",
        "* Skadevärde: summan av händelsernas vikter efter brottets allvar (kategoritabellen). Tider: så få tvåtimmarsfönster som möjligt som tillsammans rymmer 60 % av områdets händelser med klockslag (händelser med tidsintervall fördelade över intervallets timmar). Dagar: de veckodagar då området har fler händelser än platserna utanför områdena, när skillnaden är säkerställd; annars ”alla dagar”, med antalen per veckodag bredvid. PAI = andel händelser / andel yta (Chainey m.fl. 2008).",
        "* Harm: the sum of the incidents' weights by the seriousness of the offence (category table). Times: as few two-hour windows as possible that together hold 60 % of the zone's incidents with a time of day (incidents with a time interval spread over its hours). Days: the weekdays on which the zone has more incidents than the places outside the zones, where the difference is established; otherwise \u{201c}every day\u{201d}, with the counts by weekday beside it. PAI = share of incidents / share of area (Chainey et al. 2008).",
    ),
    (
        "schools.caveat",
        "* Skadeöverskott: skadevärdet (händelserna vägda efter brottets allvar) i zonen minus det som väntas om händelserna vore jämnt fördelade över kommunens yta. p-värdena är inte justerade för antalet skolor och områden; läs dem som en första sållning. En händelse i två överlappande zoner räknas för båda skolorna.",
        "* Excess harm: the harm (incidents weighted by the seriousness of the offence) in the zone minus what would be expected if incidents were spread evenly over the municipality's area. The p-values are not adjusted for the number of schools and areas; treat them as a first screen. An incident in two overlapping zones counts for both schools.",
    ),
    (
        "schools.no_boundary",
        "Skolzonsanalysen behöver en kommungräns (boundary) för att kunna jämföra med resten av kommunen; ingen angavs.",
        "The school-zone analysis needs a boundary to compare with the rest of the municipality; none was given.",
    ),
    (
        "schools.text",
        "{k} skolor med zoner om {r} m. Rangordningen bygger på skadeöverskottet: skadevärdet i zonen (händelserna vägda efter brottets allvar) minus det som väntas om händelserna vore jämnt fördelade över kommunens yta.",
        "{k} schools with zones of {r} m. They are ranked by excess harm: the harm in the zone (incidents weighted by the seriousness of the offence) minus what would be expected if incidents were spread evenly over the municipality's area.",
    ),
    (
        "step.kde",
        "beräknar täthetsyta och hotspots",
        "computing density and hotspots",
    ),
    (
        "step.patrol",
        "väljer patrullområden",
        "choosing patrol zones",
    ),
    (
        "step.schools",
        "analyserar skolzoner",
        "analysing school zones",
    ),
    (
        "sub.zone_times",
        "När i varje patrullområde",
        "When in each patrol zone",
    ),
    ("toc", "Innehåll", "Contents"),
    (
        "mode.internal",
        "Intern version – innehåller uppgifter om enskilda händelser",
        "Internal version – shows individual incidents",
    ),
    (
        "mode.public",
        "Offentlig version – små antal visas inte",
        "Public version – small counts not shown",
    ),
    ("footer.made_with", "Framtagen med", "Made with"),
    (
        "label.given_note",
        "Namn på platser, vägar, skolor och brottskategorier samt källan visas som de står i indata.",
        "Names of places, roads, schools and offence categories, and the data source, are shown as given in the input, untranslated; in the text they are set in italics.",
    ),
    ("label.period", "Period", "Period"),
    ("label.source", "Källa", "Source"),
    ("label.crs", "Koordinatsystem", "Coordinate system"),
    (
        "period.unknown",
        "okänd (händelserna saknar tid)",
        "unknown (the incidents have no time)",
    ),
    ("sec.summary", "Sammanfattning", "Summary"),
    (
        "sec.data",
        "Underlag och bortfall",
        "Data and rejected rows",
    ),
    (
        "sec.areas",
        "De fem problemområdena",
        "The five problem areas",
    ),
    ("sec.map", "Karta över händelserna", "Map of the incidents"),
    (
        "sec.hotspots",
        "Brottskoncentrationer (hotspots)",
        "Hotspots",
    ),
    ("sec.schools", "Skolor", "Schools"),
    (
        "sec.patrol",
        "Rekommenderade patrullområden och tider",
        "Recommended patrol zones and times",
    ),
    ("sec.methods", "Metoder och källor", "Methods and sources"),
    (
        "sec.privacy",
        "Personuppgifter och vad rapporten visar",
        "Privacy and what this report reveals",
    ),
    (
        "sec.files",
        "Bilaga: filer i rapportmappen",
        "Appendix: files in the report folder",
    ),
    ("sub.time", "Över tid", "Over time"),
    (
        "fig.incidents",
        "händelser i perioden",
        "incidents in the period",
    ),
    (
        "fig.rejected",
        "rader avvisade vid inläsning",
        "rows rejected on reading",
    ),
    (
        "fig.promise_share",
        "andel inom medborgarlöftets fem områden",
        "share within the five areas of the citizen promise",
    ),
    (
        "fig.top_area",
        "vanligaste problemområdet",
        "most frequent problem area",
    ),
    (
        "summary.text",
        "Lägesbilden omfattar {n} händelser under perioden {period}. Den beskriver var och när händelserna inom medborgarlöftets fem problemområden inträffat, och är underlag för gemensamma insatser mellan kommun och polis.",
        "This situation report covers {n} incidents in the period {period}. It shows where and when incidents in the five problem areas of the citizen promise happened, as a basis for joint work by the municipality and the police.",
    ),
    (
        "public.banner",
        "Offentlig version: inga enskilda händelser visas, och antal under {n} redovisas som ”<{n}” i alla tabeller, diagram, kartor och filer.",
        "Public version: no individual incidents are shown, and counts below {n} are given as \u{201c}<{n}\u{201d} in every table, chart, map and file.",
    ),
    (
        "data.text",
        "Filen {file} innehöll {read} rader; {accepted} lästes in. Positionerna räknades om till {crs}.",
        "The file {file} had {read} rows; {accepted} were read in. Positions were converted to {crs}.",
    ),
    (
        "data.geocoding",
        "Geokodningen håller måttet: {usable} av raderna har en användbar position, över Ratcliffes (2004) lägsta godtagbara nivå på 85 %. Händelserna ligger på {positions} olika positioner; {stacked} av dem delas av minst {k} händelser (staplade positioner).",
        "Geocoding quality is sufficient: {usable} of the rows have a usable position, above Ratcliffe's (2004) minimum acceptable rate of 85 %. The incidents lie on {positions} distinct positions; {stacked} of them are shared by at least {k} incidents (stacked positions).",
    ),
    (
        "data.geocoding_low",
        "Geokodningen är för svag: bara {usable} av raderna har en användbar position, under Ratcliffes (2004) lägsta godtagbara nivå på 85 %. Kartorna kan då ge en skev bild, eftersom händelser i vissa områden saknas oftare än i andra. Händelserna ligger på {positions} olika positioner; {stacked} av dem delas av minst {k} händelser (staplade positioner).",
        "Geocoding is too weak: only {usable} of the rows have a usable position, below Ratcliffe's (2004) minimum acceptable rate of 85 %. The maps may then be biased, since incidents in some areas go missing more often than in others. The incidents lie on {positions} distinct positions; {stacked} of them are shared by at least {k} incidents (stacked positions).",
    ),
    (
        "data.stacked_left_out",
        "{n} händelser ligger på {s} staplade positioner (minst {k} händelser på samma punkt, oftast en schablonposition som en kommun- eller stadsdelsmitt) och ingår därför inte i täthetskartan och hotspotberäkningen. De räknas i alla antal och tabeller. Med inställningen keep_stacked = true tas de med.",
        "{n} incidents lie on {s} stacked positions (at least {k} incidents on one point, usually a placeholder such as a municipality or district centre) and are therefore left out of the density map and the hotspots. They are counted in every total and table. The setting keep_stacked = true includes them.",
    ),
    (
        "data.stacked_kept",
        "{n} händelser ligger på {s} staplade positioner (minst {k} händelser på samma punkt, oftast en schablonposition). De ingår i täthetskartan och hotspotberäkningen eftersom inställningen keep_stacked är på; en hotspot på en sådan punkt visar var händelserna registrerats, inte var de hänt.",
        "{n} incidents lie on {s} stacked positions (at least {k} incidents on one point, usually a placeholder). They are included in the density map and the hotspots because the setting keep_stacked is on; a hotspot on such a point shows where incidents were recorded, not where they happened.",
    ),
    (
        "data.none_rejected",
        "Inga rader avvisades.",
        "No rows were rejected.",
    ),
    (
        "data.outside_period",
        "{n} händelser låg utanför den valda perioden och ingår inte.",
        "{n} incidents fell outside the chosen period and are left out.",
    ),
    (
        "data.time_gaps",
        "{none} händelser saknar tid och {nohour} saknar klockslag; de ingår i kartor och antal men inte i tidsdiagrammen där tiden fattas.",
        "{none} incidents have no time and {nohour} have no time of day; they are in the maps and counts but not in the time charts where the time is missing.",
    ),
    (
        "data.unknown_categories",
        "{k} kategorier ({n} händelser) finns inte i kategoritabellen och redovisas under Övrigt.",
        "{k} categories ({n} incidents) are not in the category table and are counted as Other.",
    ),
    ("col.reason", "Orsak", "Reason"),
    ("col.rows", "Rader", "Rows"),
    ("col.area", "Problemområde", "Problem area"),
    ("col.incidents", "Händelser", "Incidents"),
    ("col.share", "Andel", "Share"),
    (
        "reject.missing_coordinate",
        "Koordinat saknas",
        "Coordinate missing",
    ),
    (
        "reject.not_a_number",
        "Koordinat är inte ett tal",
        "Coordinate is not a number",
    ),
    (
        "reject.non_finite",
        "Koordinat är inte ändlig",
        "Coordinate is not finite",
    ),
    (
        "reject.latitude_out_of_range",
        "Latitud utanför −90…90",
        "Latitude outside −90…90",
    ),
    (
        "reject.longitude_out_of_range",
        "Longitud utanför −180…180",
        "Longitude outside −180…180",
    ),
    (
        "reject.swapped_lat_lon",
        "Latitud och longitud förväxlade",
        "Latitude and longitude swapped",
    ),
    (
        "reject.null_island",
        "Position 0,0 (platshållare)",
        "Position 0,0 (placeholder)",
    ),
    (
        "reject.far_from_data",
        "Långt från övriga data",
        "Far from the other data",
    ),
    (
        "reject.outside_study_area",
        "Utanför kommungränsen",
        "Outside the study area",
    ),
    (
        "reject.unreadable_time",
        "Tiden kunde inte läsas",
        "Time could not be read",
    ),
    ("reject.invalid_weight", "Ogiltig vikt", "Invalid weight"),
    (
        "reject.unsupported_geometry",
        "Geometrin är inte en punkt",
        "Geometry is not a point",
    ),
    (
        "reject.malformed_row",
        "Raden kunde inte tolkas",
        "Row could not be parsed",
    ),
    (
        "areas.intro",
        "Händelserna förs till medborgarlöftets problemområden med kategoritabellen (se Metoder). Övrigt är händelser utanför de fem områdena.",
        "Incidents are assigned to the problem areas of the citizen promise by the category table (see Methods). Other covers incidents outside the five areas.",
    ),
    (
        "chart.monthly",
        "Händelser per månad och problemområde",
        "Incidents per month by problem area",
    ),
    ("chart.incidents", "Händelser", "Incidents"),
    (
        "chart.categories",
        "Vanligaste kategorierna",
        "Most frequent categories",
    ),
    (
        "chart.top_categories",
        "De 15 vanligaste av {k} kategorier; alla finns i tables/categories.csv.",
        "The 15 most frequent of {k} categories; all are in tables/categories.csv.",
    ),
    (
        "chart.suppressed_note",
        "* = en eller flera stapeldelar med färre än {n} händelser visas inte.",
        "* = one or more bar segments with fewer than {n} incidents are not shown.",
    ),
    (
        "chart.heat",
        "Händelser per veckodag och timme",
        "Incidents by weekday and hour",
    ),
    (
        "chart.heat_note_aoristic",
        "Händelser med ett tidsintervall (från–till) fördelas över intervallets timmar (aoristisk viktning).",
        "Incidents with a time interval (from–to) are spread over the interval's hours (aoristic weights).",
    ),
    (
        "data.time_use",
        "I diagrammet över veckodag och timme har {exact} händelser en exakt tidpunkt och {interval} ett tidsintervall (från–till) som fördelats över sina timmar (aoristisk viktning, Ratcliffe 2002); för {unknown} är tiden okänd och de ingår inte ({too_long_clause}{no_hour} med bara datum, {no_time} utan tid).",
        "In the weekday-by-hour chart, {exact} incidents have an exact time and {interval} a time interval (from–to) spread over its hours (aoristic weights, Ratcliffe 2002); for {unknown} the time is unknown and they are not included ({too_long_clause}{no_hour} with a date only, {no_time} without a time).",
    ),
    (
        "data.time_use_too_long",
        "{too_long} med ett intervall längre än det längsta tillåtna, {days} dygn; ",
        "{too_long} with an interval longer than the longest allowed, {days} days; ",
    ),
    (
        "chart.heat_note",
        "Lokal tid. Händelser utan klockslag ingår inte.",
        "Local time. Incidents without a time of day are not included.",
    ),
    (
        "chart.heat_note_public",
        "Lokal tid. · = färre än {n} händelser (visas inte).",
        "Local time. · = fewer than {n} incidents (not shown).",
    ),
    (
        "cap.categories",
        "Antal händelser per kategori, färgade efter problemområde.",
        "Incidents per category, coloured by problem area.",
    ),
    (
        "cap.monthly",
        "Händelser per månad, staplade efter problemområde.",
        "Incidents per month, stacked by problem area.",
    ),
    (
        "cap.heat",
        "När händelserna inträffar: veckodag (rader) och timme (kolumner).",
        "When incidents happen: weekday (rows) by hour (columns).",
    ),
    (
        "cap.overview_dots",
        "Varje punkt är en händelse, färgad efter problemområde.",
        "Each dot is one incident, coloured by problem area.",
    ),
    (
        "cap.overview_grid",
        "Antal händelser per ruta; rutor med få händelser visas inte.",
        "Incidents per grid cell; cells with few incidents are not shown.",
    ),
    (
        "map.overview",
        "Händelser efter problemområde",
        "Incidents by problem area",
    ),
    (
        "map.overview_grid",
        "Händelser per ruta",
        "Incidents per grid cell",
    ),
    ("map.centre", "centralorten", "main town"),
    (
        "cap.closeup_town",
        "Närbild av de hotspots som ligger i och kring centralorten; översikten till höger visar hela kommunen med närbildens ram.",
        "Close-up of the hotspots in and around the main town; the overview on the right shows the whole municipality with the close-up's frame.",
    ),
    (
        "cap.closeup_town_schools",
        "Närbild av skolorna i centralorten; översikten till höger visar hela kommunen med närbildens ram.",
        "Close-up of the schools in the main town; the overview on the right shows the whole municipality with the close-up's frame.",
    ),
    (
        "cap.closeup_town_clusters",
        "Närbild av klustren i och kring centralorten; översikten till höger visar hela kommunen med närbildens ram.",
        "Close-up of the clusters in and around the main town; the overview on the right shows the whole municipality with the close-up's frame.",
    ),
    (
        "print.note",
        "Utskriften innehåller förslagen, kartorna över patrullområden, hotspots och skolor samt tabellerna. Övriga kartor och diagram som underlaget bygger på finns i report.html och i mappen maps/.",
        "The printed version contains the recommendations, the maps of patrol zones, hotspots and schools, and the tables. The other maps and charts behind them are in report.html and in the maps/ folder.",
    ),
    (
        "map.locator",
        "Översikt: hela kommunen",
        "Overview: the whole municipality",
    ),
    (
        "cap.centre",
        "Utsnitt 4 × 2,8 km kring den tätaste rutan.",
        "Close-up of 4 × 2.8 km around the densest cell.",
    ),
    (
        "map.attribution",
        "Karta: hotspot. Gräns och skolor enligt indata.",
        "Map: hotspot. Boundary and schools: input data.",
    ),
    (
        "map.public_note",
        "Offentlig version: antal under {n} visas inte.",
        "Public version: counts below {n} are not shown.",
    ),
    ("legend.title", "Teckenförklaring", "Legend"),
    ("legend.boundary", "Kommungräns", "Municipal boundary"),
    ("legend.water", "Vatten", "Water"),
    ("legend.roads", "Vägar", "Roads"),
    ("legend.school", "Skola", "School"),
    (
        "legend.incidents",
        "Händelser efter problemområde",
        "Incidents by problem area",
    ),
    ("legend.grid", "Händelser per ruta", "Incidents per cell"),
    (
        "schools.none",
        "Ingen skolfil angavs.",
        "No schools file was given.",
    ),
    (
        "schools.listed",
        "{k} skolor är utmärkta på kartan.",
        "{k} schools are marked on the map.",
    ),
    (
        "missing.kde",
        "Täthetsytan och hotspot-områdena (kernel density) ingår inte i den här versionen av verktyget; avsnittet lämnas tomt hellre än att visa en uppskattning som inte är framtagen med den dokumenterade metoden.",
        "The density surface and hotspot areas (kernel density) are not part of this version of the tool; the section is left empty rather than showing an estimate not made with the documented method.",
    ),
    (
        "missing.schools",
        "Skolzonsanalysen (antal och kvoter per skola med konfidensintervall) ingår inte i den här versionen av verktyget.",
        "The school-zone analysis (counts and rate ratios per school with confidence intervals) is not part of this version of the tool.",
    ),
    (
        "missing.patrol",
        "Urvalet av patrullområden och tider ingår inte i den här versionen av verktyget.",
        "The selection of patrol zones and times is not part of this version of the tool.",
    ),
    (
        "method.ingest",
        "Inläsning: rader utan giltig position, med omöjlig tid eller utanför studieområdet avvisas och redovisas per orsak; positioner räknas om till ett metriskt koordinatsystem (SWEREF 99 TM i Sverige).",
        "Reading: rows without a valid position, with an impossible time or outside the study area are rejected and counted by reason; positions are converted to a metric coordinate system (SWEREF 99 TM in Sweden).",
    ),
    (
        "method.categories",
        "Problemområden: polisens händelsetyper och brottskategorier förs till medborgarlöftets fem områden med en kategoritabell (TOML) som kan granskas och ändras.",
        "Problem areas: police event types and offence categories are mapped to the five areas of the citizen promise with a category table (TOML) that can be reviewed and changed.",
    ),
    (
        "method.grid",
        "Rutnät: händelserna räknas i kvadratiska rutor om {m} m, justerade mot koordinatsystemets hela multipler.",
        "Grid: incidents are counted in square cells of {m} m, aligned to whole multiples in the coordinate system.",
    ),
    (
        "method.colours",
        "Färger: sekventiell gul–orange–röd skala (ColorBrewer YlOrRd, Brewer 2003) och färgblindsäker palett för problemområden (Okabe & Ito 2008).",
        "Colours: sequential yellow–orange–red scale (ColorBrewer YlOrRd, Brewer 2003) and a colour-blind-safe palette for problem areas (Okabe & Ito 2008).",
    ),
    (
        "privacy.internal",
        "Intern version: kartor och lager visar enskilda händelsers positioner, och tabellerna innehåller även små antal. Brottsuppgifter är personuppgifter – sprid inte den här versionen utanför polisen och de som ingår i samverkan. För spridning utanför samverkan finns en offentlig version av rapporten.",
        "Internal version: maps and layers show the positions of individual incidents, and tables include small counts. Crime records are personal data – do not share this version beyond the police and the partners in the joint work. For wider distribution there is a public version of the report.",
    ),
    (
        "privacy.public",
        "Offentlig version: inga enskilda händelsers positioner eller id finns i någon fil; kartor visar bara rutor med minst {n} händelser; alla antal mellan 1 och {n} minus ett redovisas som ”<{n}” (tomma celler i CSV, null i JSON). Summor visas; i en rad där bara en cell döljs kan den räknas fram ur summan.",
        "Public version: no file holds the position or id of an individual incident; maps show only grid cells with at least {n} incidents; every count from 1 to {n} minus one is given as \u{201c}<{n}\u{201d} (empty in CSV, null in JSON). Totals are shown; in a row where only one cell is hidden, it can be worked out from the total.",
    ),
    (
        "files.intro",
        "Kartor (PNG och SVG) finns i maps/, lager som GeoJSON (WGS 84) för QGIS i layers/, tabeller som CSV i tables/. summary.json innehåller parametrar och resultat, manifest.json verktygsversion, parametrar och kontrollsummor (SHA-256) för indatafilerna.",
        "Maps (PNG and SVG) are in maps/, layers as GeoJSON (WGS 84) for QGIS in layers/, tables as CSV in tables/. summary.json holds parameters and results, manifest.json the tool version, parameters and checksums (SHA-256) of the input files.",
    ),
    (
        "step.basemap",
        "läser baskarta och skolor",
        "reading basemap and schools",
    ),
    ("step.count", "räknar händelser", "counting incidents"),
    ("step.analyses", "kör analyserna", "running the analyses"),
    ("step.charts", "ritar diagram", "drawing charts"),
    ("step.maps", "ritar kartor", "drawing maps"),
    ("step.write", "skriver rapporten", "writing the report"),
    ("done.written", "Rapporten är klar:", "Report written:"),
];

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_SV: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];
const DAYS_LONG_SV: [&str; 7] = [
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
];
const DAYS_LONG_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Translator for one language.
#[derive(Clone, Debug)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
    /// Its number format.
    pub loc: Locale,
}

impl Tr {
    /// Texts in `lang`.
    pub fn new(lang: Lang) -> Self {
        let loc = match lang {
            Lang::Sv => Locale::SV,
            Lang::En => Locale::EN,
        };
        Self { lang, loc }
    }

    fn lookup(&self, key: &str) -> Option<&'static str> {
        TEXTS.iter().find(|e| e.0 == key).map(|e| match self.lang {
            Lang::Sv => e.1,
            Lang::En => e.2,
        })
    }

    /// The text for `key`; an unknown key comes back marked `⟦key⟧` (tests look for it).
    pub fn t(&self, key: &str) -> &'static str {
        self.lookup(key).unwrap_or("⟦missing text⟧")
    }

    /// The text for `key`, or `fallback` (for keys built from data, e.g. reject reasons).
    pub fn t_or(&self, key: &str, fallback: &str) -> String {
        self.lookup(key)
            .map(str::to_string)
            .unwrap_or_else(|| fallback.to_string())
    }

    /// The text for `key` with `{name}` placeholders filled.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// A date: `3 mars 2025` / `3 March 2025`.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let m = d.month0() as usize;
        match self.lang {
            Lang::Sv => format!("{} {} {}", d.day(), MONTHS_SV[m], d.year()),
            Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        }
    }

    /// A month: `mars 2025` / `March 2025` (public period bounds).
    pub fn month_long(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let m = d.month0() as usize;
        match self.lang {
            Lang::Sv => format!("{} {}", MONTHS_SV[m], d.year()),
            Lang::En => format!("{} {}", MONTHS_EN[m], d.year()),
        }
    }

    /// A short month label: `mar 2025` / `Mar 2025`.
    pub fn month_short(&self, year: i32, month: u32) -> String {
        let m = (month.clamp(1, 12) - 1) as usize;
        let name = match self.lang {
            Lang::Sv => MONTHS_SV[m],
            Lang::En => MONTHS_EN[m],
        };
        format!("{} {}", name.chars().take(3).collect::<String>(), year)
    }

    /// Weekday abbreviation, Monday = 0.
    /// Full weekday name (Monday = 0).
    pub fn weekday_long(&self, d: usize) -> &'static str {
        match self.lang {
            Lang::Sv => DAYS_LONG_SV[d % 7],
            Lang::En => DAYS_LONG_EN[d % 7],
        }
    }

    pub fn weekday_short(&self, d: usize) -> &'static str {
        match self.lang {
            Lang::Sv => DAYS_SV[d % 7],
            Lang::En => DAYS_EN[d % 7],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (k, sv, en) in TEXTS {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!sv.trim().is_empty() && !en.trim().is_empty(), "{k}");
            // Placeholders match between the languages.
            let ph = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|x| x.0.to_string()))
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            assert_eq!(ph(sv), ph(en), "placeholders of {k}");
        }
    }

    /// The English column translates: a text the same in both languages is a term both use
    /// (listed here), anything else is a Swedish text left in the English report.
    #[test]
    fn english_texts_are_translations_not_copies_of_the_swedish() {
        let same_in_both = [
            "col.pai",
            "col.hotspot",
            "label.period",
            "followup.normal_variation",
        ];
        for (k, sv, en) in TEXTS {
            if sv == en {
                assert!(
                    same_in_both.contains(k),
                    "{k}: English text is the Swedish one"
                );
            }
        }
        // Words only Swedish uses do not appear in the English column.
        for (k, _, en) in TEXTS {
            let padded = format!(" {en} ");
            for w in [
                " och ",
                " är ",
                " inte ",
                " händelser",
                " inom ",
                " eller ",
                " för ",
                " med ",
                " av ",
                " som ",
                "ö",
                "ä",
                "å",
            ] {
                assert!(!padded.contains(w), "{k}: English text has {w:?}: {en}");
            }
        }
        // And the Swedish column keeps to the Swedish terms (issue 16).
        for (k, sv, _) in TEXTS {
            for w in [
                "Hot spot",
                "Cold spot",
                "--",
                "publik",
                "Sekretess",
                "så mycket",
                "screening",
            ] {
                assert!(!sv.contains(w), "{k}: Swedish text has {w:?}: {sv}");
            }
        }
    }

    #[test]
    fn every_key_used_by_the_report_is_in_the_table() {
        let src = [
            include_str!("lib.rs"),
            include_str!("sections.rs"),
            include_str!("perception.rs"),
            include_str!("followup.rs"),
            include_str!("repeats.rs"),
            include_str!("layers_out.rs"),
            include_str!("closeup.rs"),
            include_str!("patrol_oos.rs"),
            include_str!("school_times.rs"),
            include_str!("geocoding.rs"),
            include_str!("answer.rs"),
        ]
        .concat();
        let prefixes = [
            "areas", "cap", "chart", "col", "data", "done", "fig", "files", "footer", "label",
            "legend", "map", "method", "missing", "mode", "period", "privacy", "public", "schools",
            "sec", "step", "sub", "summary", "title", "toc", "kde", "patrol", "gi", "clusters",
            "perc", "followup", "repeats", "layers", "print",
        ];
        let mut used = 0;
        for part in src.split('"').skip(1).step_by(2) {
            let is_key = part == "toc"
                || part.split_once('.').is_some_and(|(p, rest)| {
                    prefixes.contains(&p)
                        && !rest.is_empty()
                        && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
            if is_key && part != "summary.json" && part != "map.html" && part != "layers.gpkg" {
                used += 1;
                for lang in [Lang::Sv, Lang::En] {
                    assert!(
                        Tr::new(lang).lookup(part).is_some(),
                        "key {part} has no {lang:?} text"
                    );
                }
            }
        }
        assert!(used > 50, "only {used} keys found: the scan is broken");
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        assert_eq!(Tr::new(Lang::Sv).date(d), "3 mars 2025");
        assert_eq!(Tr::new(Lang::En).date(d), "3 March 2025");
        assert_eq!(Tr::new(Lang::Sv).loc.num(1234.5, 1), "1\u{a0}234,5");
        assert_eq!(Tr::new(Lang::En).loc.num(1234.5, 1), "1,234.5");
        assert_eq!(Tr::new(Lang::Sv).month_short(2025, 5), "maj 2025");
        assert_eq!(Tr::new(Lang::Sv).t("no.such.key"), "⟦missing text⟧");
    }
}
