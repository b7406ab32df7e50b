"""Word lists of the entity rules: heads, titles, roles and words that are never names.

Kept in code (not in data files) because they encode the labelling rules, not reference data.
"""

from __future__ import annotations

# Heads that make a capitalised sequence an organisation ("Ministry of Defense", "OSCE Academy").
ORG_HEADS = frozenset(
    """Ministry Committee Service Agency University Academy Institute Center Centre Bank Company
    Corporation Corp Group Party Movement Organization Organisation Union Council Court Department Bureau
    Fund Foundation Commission Association Federation Airlines Airways Force Forces Army Navy Guard Police
    Parliament Assembly Senate Office Chamber Exchange Railways Holding Holdings Inc Ltd LLC LLP JSC
    GmbH AG PLC Alliance Coalition Front Network Society College School Administration Directorate
    Inspectorate Authority Board Secretariat Cabinet Embassy Consulate Times News Post Confederation Councils
    Broadcasting Television Radio Press Journal Gazette Gazeta Agency Cooperative Consortium Trust Partners
    Media Inspection Prosecutor's Procuracy Commissariat Brigade Battalion Division Regiment Command
    Ombudsman's Mission Akimat Hokimiyat Endowment Institution Observatory Watch Petroleum Resources Mining
    Motors Telecom Steel Metals Logistics Industries Technologies House Government International Club""".split()
)
# Heads that make a name only in a fuller form: "the Kazakh Government" is a description, "Government of
# Tajikistan" a name; "Almaty International" is a place's short form, "Transparency International" an org.
WEAK_ORG_HEADS = frozenset({"Government", "International"})
ORG_PLURAL_HEADS = {
    "Ministries": "Ministry", "Committees": "Committee", "Services": "Service", "Agencies": "Agency",
    "Forces": "Force", "Universities": "University", "Parliaments": "Parliament", "Banks": "Bank",
    "Councils": "Council", "Courts": "Court", "Parties": "Party", "Offices": "Office",
}
# Heads that make a capitalised sequence a place: sites, facilities, regions, water bodies, routes.
PLACE_HEADS = frozenset(
    """Airport Airbase Cosmodrome Spaceport Palace Hall Stadium Arena Square Park Station Dam Plant
    Reservoir Canal Lake River Valley Mountains Mountain Range Pass Gorge Desert Sea Ocean Gulf Bay Bridge
    Corridor Highway Road Route Street Avenue Boulevard Mosque Cathedral Church Monument Memorial
    Mausoleum Site Ground Field Mine Port Terminal Checkpoint Island Islands Peninsula Oblast Region
    Province District Krai Territory County Village Bazaar Oasis Glacier Steppe Plateau Basin Delta
    Shrine Fortress Citadel Railway Pipeline Canyon Necropolis Exclave Enclave Complex Museum Theatre Theater
    Gallery Monastery Temple Tower Cemetery Zoo Hotel Sanctuary Statue Embankment Reserve""".split()
)
# Events: names masked so that places inside them are not extracted ("St. Petersburg ... Forum").
EVENT_HEADS = frozenset(
    """Forum Summit Festival Expo Games Olympics Olympiad Championship Championships Cup Conference Week
    Contest Exhibition Fair Biennale Award Awards Prize Marathon Tournament Congress Dialogue Declaration
    Statement Code Law Act Treaty Agreement Strategy Concept Program Initiative Year Day""".split()
)
# Place heads that may take an "of" tail ("Valley of the Forty Girls"); "Bridge of Friendship" may not.
PLACE_OF_HEADS = frozenset(
    "Valley Lake Sea Gulf Bay Palace Square Island Islands Peninsula Republic Mausoleum Mosque Cathedral".split()
)
ORG_OR_PLACE_HEADS = ORG_HEADS | PLACE_HEADS
HEADS = ORG_OR_PLACE_HEADS | EVENT_HEADS
LEGAL_SUFFIXES = frozenset("GmbH LLC LLP JSC Ltd Inc AG PLC SA NV BV Co Corp".split())
# Titles that end a name on its left: "President Tokayev Foundation" is rare, "Minister Ministry" never.
LEFT_STOP_TITLES = frozenset("President Minister Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Professor Prof".split())
# "Test Center", "Training Ground": sites, although "Center" alone is an org head.
SITE_MODIFIERS = frozenset("Test Testing Training Proving Launch Firing Nuclear Intermilitary".split())
NATURE_WORDS = frozenset("Nature Natural Biosphere Wildlife Game Forest Marine State National".split())
LOWER_PLACE_HEADS = (
    "region|province|oblast|district|military airport|international airport|airport|air base|airbase|"
    "test site|testing ground|training ground|cosmodrome|power plant|hydropower plant|power station|"
    "hydroelectric power station|dam|reservoir|canal|river|lake|valley|gorge|pass|mountains|border crossing|"
    "checkpoint|gas field|oil field|oilfield|field|mine|deposit|port|seaport|dry port|railway station|"
    "free economic zone|special economic zone|industrial zone|village|settlement|mosque|mausoleum|exclave|"
    "enclave|square|necropolis|pipeline|gas pipeline|oil pipeline|railway|highway|motorway|ski resort|resort|"
    "memorial complex|complex"
)
DIRECTIONS = frozenset("North South East West Northern Southern Eastern Western Central Upper Lower".split())
LOWER_PLACE_PLURALS = {
    "regions": "region", "provinces": "province", "oblasts": "oblast", "districts": "district",
    "villages": "village", "cities": "city", "Oblasts": "Oblast", "Regions": "Region",
    "Provinces": "Province", "Districts": "District", "People's Republics": "People's Republic",
}

# Titles, roles and honorifics stripped from the front of a person's name (and evidence it is one).
TITLES = frozenset(
    """President Vice Prime Minister Deputy Dr Dr. Mr Mr. Mrs Mrs. Ms Ms. Miss Professor Prof Prof. Senator
    General Gen Gen. Colonel Col Lieutenant Lt Captain Capt Major Sergeant Sheikh Imam Mullah Mufti Ambassador
    Chairman Chairwoman Chair Speaker Governor Mayor Akim Hokim Judge King Queen Prince Princess Pope
    Patriarch Archbishop Bishop Father Sister Brother Saint St St. MP MPs Secretary Director CEO Chief Head
    Commander Foreign Interior Defense Defence Trade Energy Agriculture Economy Economic Finance Justice
    Health Education Emergency Emergencies Culture Transport Digital Labor Labour Ecology Tourism Sports
    Industry Investment Investments Water Science Information First Former Acting Executive Senior Junior
    Lecturer Founder Co-founder Editor Reporter Journalist Analyst Ombudsman Supreme Leader Emir Sultan
    Crown Marshal Admiral Premier Chancellor Envoy Representative Spokesperson Spokesman Spokeswoman
    Presidential Press Adviser Advisor Aide Counsellor Councillor Deputies Deputy Mazhilis Senator Sen
    Rep Gov Ombudswoman Assistant Associate Researcher Fellow Expert Coach Champion Hon Rev Reverend Ayatollah
    Hajji Haji Khan Sir Dame Lord Lady Madam Comrade Mister Officer Inspector Prosecutor-General Prosecutor
    Attorney Advocate Lawyer Candidate Nominee Member Chairperson Vice-President Vice-Premier Then
    Then-President Then-Prime Then-Kazakh Late Incumbent Minister-Counsellor Consul Consul-General""".split()
) | frozenset(
    # Religious honorifics (Islamic, Christian, Buddhist, Jewish), in the spellings of English-language
    # news from the region: never part of the name (spec section 4).
    """Mawlawi Maulvi Moulvi Mawlana Maulana Mowlana Molla Mulla Qari Hafiz Hafez Shaykh Shaikh Ustad Ustaz
    Ustoz Hazrat Hojatoleslam Hujjat Domla Akhund Allama Maulawi Mujtahid Hajj Hadji Metropolitan
    Archimandrite Hieromonk Abbot Cardinal Pastor Rabbi Lama Rinpoche Venerable Deacon Priest""".split()
)
# Words of a title that name a field or a time, not a role: stripped, but no evidence of a person
# on their own ("the 2024 Health Care Index").
TITLE_MODIFIERS = frozenset(
    """Foreign Interior Defense Defence Trade Energy Agriculture Economy Economic Finance Justice Health
    Education Emergency Emergencies Culture Transport Digital Labor Labour Ecology Tourism Sports Industry
    Investment Investments Water Science Information First Former Acting Executive Senior Junior
    Presidential Press Then Late Incumbent Supreme Crown""".split()
)
STRONG_TITLES = frozenset(
    """President Minister Dr Dr. Mr Mr. Mrs Mrs. Ms Ms. Professor Prof Senator General Colonel Sheikh Imam
    Mullah Mufti Ambassador Chairman Chairwoman Speaker Governor Mayor Akim Judge King Queen Prince Pope
    Patriarch Archbishop MP Secretary Director CEO Chief Commander Premier Chancellor Envoy Emir Sultan
    Spokesperson Spokesman Spokeswoman Ayatollah Sir Dame Lord Lady Madam Deputy Leader Mawlawi Maulvi Moulvi
    Mawlana Maulana Mowlana Mullah Mulla Qari Hafiz Shaykh Hazrat Hojatoleslam Metropolitan Archimandrite
    Cardinal Rabbi Lama Rinpoche Pastor""".split()
)
# Lower-case role nouns that introduce a name ("activist Hamida Babajanova", "artist Assol").
ROLE_NOUNS = frozenset(
    """activist singer artist producer journalist reporter editor analyst expert lecturer professor
    commander chief head leader minister president spokesperson spokesman spokeswoman director founder
    ambassador deputy MP citizen citizens national nationals resident student daughter son wife husband
    mother father brother sister nephew niece uncle aunt cousin colleague lawyer attorney judge officer
    official economist politician businessman businesswoman billionaire oligarch blogger writer poet
    composer musician actor actress athlete champion boxer wrestler coach player footballer photographer
    filmmaker director researcher scientist scholar historian political opposition dissident rapper
    designer entrepreneur banker investor diplomat envoy governor mayor akim prosecutor colonel general
    pilot astronaut cosmonaut doctor surgeon teacher engineer manager chairman chairwoman counterpart
    predecessor successor adviser advisor aide premier emir imam mufti priest monk sheikh chancellor
    prince princess king queen explorer commentator columnist correspondent anchor presenter host
    archaeologist traveler traveller climber mountaineer fighter weightlifter judoka skater skier
    cyclist runner swimmer gymnast chess grandmaster pianist painter sculptor novelist author
    defendant suspect victim survivor witness detainee prisoner star superstar legend icon
    influencer""".split()
)
KIN_NOUNS = frozenset("mother father son daughter wife husband brother sister nephew niece uncle aunt".split())
SPEECH_VERBS = frozenset(
    """said says told tells stated states noted notes added adds announced announces emphasized
    emphasised stressed stresses explained explains argued argues wrote writes tweeted posted cautioned
    warned warns claimed claims insisted insists believes believed thinks thought asked asks replied
    recalled commented comments declared declares urged urges called met meets visited visits arrived
    signed signs spoke speaks remarked highlighted highlights underscored confirmed confirms denied denies
    described describes condemned criticized criticised agreed expressed welcomed pointed suggested
    admitted revealed promised hosted instructed ordered appointed approved rebuffed attended discussed
    shared presented proposed reported reports acknowledged observed mentioned recounted concluded
    continued served serves became becomes has had was is will would who whose""".split()
)
# Capitalised words that are never part of a person's name.
NON_NAME = frozenset(
    """The A An This That These Those There Their They He She It Its We Our I You In On At For From To Of
    And Or But By With As After Before During Since Until While When Where What Which Who Why How If Than
    Then Also However Meanwhile Moreover Furthermore Although Though Despite According Earlier Later
    Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Both Each Every All Some Many
    Most More Less Few Several Another Other Such No Not Only Just Even Still Yet So Thus Therefore Here
    Now New Old Great Greater Grand Big Little Small Large North South East West Northern Southern Eastern
    Western Central Upper Lower Republic State States Federation Kingdom Union United National
    International Global World Islamic Christian Muslim Orthodox Catholic Jewish Government Parliament
    Ministry Minister President Prime Committee Service Agency University Academy Institute Center Centre
    Bank Company Corporation Group Party Movement Council Court Department Bureau Fund Foundation
    Commission Association Office Chamber Station Airport City Region Province District Oblast Village
    Street Square Palace Hall Park Lake River Valley Sea Mountains Road Day Year Week Month Summit Forum
    Festival Expo Games Cup Olympics Olympic Award Prize Order Medal Program Programme Project Plan Strategy
    Code Law Act Treaty Agreement Declaration Statement Protocol Memorandum Convention Constitution
    Article Part Chapter Section Reuters Photo Image Source Video Read Continue Register Written Editor
    Note Update Breaking Exclusive Opinion Analysis Interview Comment Report Review Feature Live Covid
    COVID Coronavirus Internet Online Web Soyuz Oreshnik God Allah Prophet Quran Koran Islam Christianity
    Ramadan Eid Nowruz Navruz Christmas Easter Earth Moon Mars Sun Space Science Economic Economy Energy
    Trade Agriculture Health Education Defense Defence Security Foreign Interior Finance Justice Culture
    Sports Tourism Transport Industry Investment Digital Development Cooperation Partnership Relations
    Affairs Emergency Emergencies Water Resources Environment Ecology Labor Labour Social Protection
    Population Information Media Communications Youth Policy Family Women Children Human Rights Freedom
    Democracy Independence Victory Peace War Civil Cold Revolution Spring Summer Autumn Fall Winter
    Russian Kazakh Tajik Uzbek Kyrgyz Turkmen Afghan Chinese American British German Turkish Iranian
    Studies Eurasian European Asian African Arab Caspian Balkan Baltic Soviet Forum Summit""".split()
)
# Sentence-initial words that are not names even when capitalised.
LOWER_FUNCTION = frozenset(
    """the a an this that these those there their they he she it its we our i you in on at for from to
    of and or but by with as after before during since until while when where what which who why how if
    than then also however meanwhile moreover earlier later today both each every all some many most
    several another other such no not only just even still yet so thus here now according following
    despite although though among between under over about against within without into through""".split()
)
ACRONYM_STOP = frozenset(
    """GDP GNP CEO CFO COO CTO MP MPs PM LGBT LGBTQ COVID HIV AIDS USD EUR KZT UZS KGS TJS TMT RUB CNY
    AFN TRY VAT LNG LPG CNG HPP CHP TPP NPP GW MW KW TW GWh MWh KWh TWh IT AI ID PhD MBA TV PR OK NGO
    NGOs SME SMEs FDI EV EVs UAV UAVs ATM ATMs IPO SUV GMT UTC AM BC AD II III IV VI VII VIII IX XI XII
    XX XXI Q1 Q2 Q3 Q4 H1 H2 A I CPI PPP BRI FTA FEZ SEZ EEZ DNA RNA SMS GPS USB PDF FAQ VIP VIPs CIS
    USSR UAE US UK USA DPRK PRC ROK EU UN OK BCM BCF WKO NKO EKO SKO GBAO NEW RT
    CO2 CH4 SO2 NO2 N2O NOx PM2 PM10 O3 H2 FX GB MB KB TB GHz MHz D.C. DC""".split()
) - {"EU", "UN", "CIS"}
