"""Writing hand-digitized label layers with their provenance (the make_labels scripts)."""

from pathlib import Path

from osgeo import ogr, osr


def write_layer(path: Path, name: str, geom_type: int, rows: list, description: str, *,
                source: str, drawn: str, epsg: int, licence: str) -> None:
    """One GeoPackage layer (fields name, width unless None, source) with provenance metadata.

    ``rows`` are (name, width in metres or None, shapely geometry in EPSG ``epsg``); the
    layer's DESCRIPTION is ``description`` followed by ``drawn`` (who drew it, how, from
    which file); SOURCE and LICENSE go into the layer's and the dataset's metadata.
    """
    path.unlink(missing_ok=True)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    layer = ds.CreateLayer(name, srs, geom_type)
    fields = [("name", ogr.OFTString), ("width", ogr.OFTReal), ("source", ogr.OFTString)]
    for field, kind in fields if rows[0][1] is not None else fields[::2]:
        layer.CreateField(ogr.FieldDefn(field, kind))
    for label, width, geom in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("name", label)
        if width is not None:
            feature.SetField("width", width)
        feature.SetField("source", source)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(geom.wkt))
        layer.CreateFeature(feature)
    layer.SetMetadataItem("DESCRIPTION", f"{description} {drawn}")
    layer.SetMetadataItem("SOURCE", source)
    ds.SetMetadataItem("SOURCE", source)
    ds.SetMetadataItem("LICENSE", licence)
    ds = None
