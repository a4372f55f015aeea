<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
  <context>
    <name>RoadExtraction</name>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="266" />
      <source> rounds</source>
      <translation> Runden</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="47" />
      <source>&amp;Road extraction</source>
      <translation>&amp;Straßenextraktion</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="234" />
      <source>Advanced</source>
      <translation>Erweitert</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="112" />
      <source>Also learn from the unlabeled imagery (the unlabeled rasters and the unlabeled parts of the labeled ones): from round 2, pseudo-labels of its most consistent tiles. Off by default: the benchmark's gain was within its spread (see the README).</source>
      <translation>Auch aus den ungelabelten Bildern lernen (den ungelabelten Rastern und den ungelabelten Teilen der gelabelten): ab Runde 2 Pseudo-Labels ihrer konsistentesten Kacheln. Standardmäßig aus: der Gewinn im Benchmark lag innerhalb seiner Streuung (siehe README).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="244" />
      <source>Also learn from the unlabeled rasters and the unlabeled parts of the training rasters: from the second round, pseudo-labels of their most consistent tiles. Off by default: in the project's benchmark its gain was within the spread (see the README).</source>
      <translation>Auch aus den ungelabelten Rastern und den ungelabelten Teilen der Trainingsraster lernen: ab der zweiten Runde Pseudo-Labels ihrer konsistentesten Kacheln. Standardmäßig aus: im Benchmark des Projekts lag der Gewinn innerhalb der Streuung (siehe README).</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="63" />
      <source>Applies a road model to one raster or several (the tiles of a mosaic, or a VRT of them): a road probability raster on each input's exact grid and CRS (GeoTIFF, Byte 0-254, 255 = nodata), road polygons and road centerlines (with length_m) for all of them together. With several rasters, the probability rasters are written beside Road probability as &lt;name&gt;_&lt;raster&gt;.tif, with a VRT mosaic &lt;name&gt;.vrt of them, which is the output; they need one CRS and one pixel size. Rasters are read by windows of Tile pixels that overlap by Overlap (a fraction) and are blended, and vectorised by blocks, so memory does not grow with the rasters; empty areas cost nothing. TTA averages the 8 flips/rotations (8 times slower). Pixels with probability above Road threshold are road; empty = the threshold calibrated on the model's hold-out, stored in the model. Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. The rasters must have the model's bands. Use the bundled base model (instead of Road model): the model shipped in the plugin's resources/models/ for the rasters' band count (base_&lt;N&gt;band.pt), a first guess before any label is drawn.</source>
      <translation>Wendet ein Straßenmodell auf ein oder mehrere Raster an (die Kacheln eines Mosaiks oder ein VRT daraus): ein Raster der Straßenwahrscheinlichkeit auf genau dem Gitter und KBS jeder Eingabe (GeoTIFF, Byte 0-254, 255 = NoData), Straßenpolygone und Straßenmittellinien (mit length_m) für alle zusammen. Bei mehreren Rastern werden die Wahrscheinlichkeitsraster neben Straßenwahrscheinlichkeit als &lt;Name&gt;_&lt;Raster&gt;.tif geschrieben, mit einem VRT-Mosaik &lt;Name&gt;.vrt daraus, das die Ausgabe ist; sie brauchen ein KBS und eine Pixelgröße. Die Raster werden in Fenstern von Kachel Pixeln gelesen, die sich um Überlappung (ein Anteil) überlappen und überblendet werden, und blockweise vektorisiert, sodass der Speicherbedarf nicht mit den Rastern wächst; leere Flächen kosten nichts. TTA mittelt die 8 Spiegelungen/Drehungen (8-mal langsamer). Pixel mit einer Wahrscheinlichkeit über dem Straßen-Schwellenwert sind Straße; leer = der auf dem zurückgehaltenen Teil des Modells kalibrierte Schwellenwert, im Modell gespeichert. Gerät: auto, cpu, cuda oder cuda:N; leer = das Gerät der Plugin-Einstellungen. Die Raster müssen die Bänder des Modells haben. Mitgeliefertes Basismodell verwenden (statt Straßenmodell): das in resources/models/ des Plugins mitgelieferte Modell für die Bandanzahl der Raster (base_&lt;N&gt;band.pt), eine erste Schätzung, bevor ein Label gezeichnet ist.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="104" />
      <source>Background (polygons)</source>
      <translation>Hintergrund (Polygone)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="146" />
      <source>Best round</source>
      <translation>Beste Runde</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="227" />
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="163" />
      <source>Cancelled ({}); the engine left no partial output.</source>
      <translation>Abgebrochen ({}); die Engine hat keine unvollständige Ausgabe hinterlassen.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="101" />
      <source>Cancelled before {}</source>
      <translation>Abgebrochen vor {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="82" />
      <source>Cancelled during: {}. Run Install / repair engine again to finish the environment.</source>
      <translation>Abgebrochen während: {}. Führen Sie „Engine installieren / reparieren“ erneut aus, um die Umgebung fertigzustellen.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="265" />
      <source>Cancelled while writing {}</source>
      <translation>Abgebrochen beim Schreiben von {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="381" />
      <source>Cancelled; the engine left no partial output.</source>
      <translation>Abgebrochen; die Engine hat keine unvollständige Ausgabe hinterlassen.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="49" />
      <source>Cannot copy {} to {}: {}</source>
      <translation>{} kann nicht nach {} kopiert werden: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="55" />
      <source>Cannot move the labels: {} exist(s) already; move or delete it first.</source>
      <translation>Die Labels können nicht verschoben werden: {} existiert bereits; verschieben oder löschen Sie es zuerst.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="152" />
      <source>Cannot open the first guess's output(s): {}</source>
      <translation>Die Ausgabe(n) der ersten Schätzung lassen sich nicht öffnen: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="133" />
      <source>Cannot open the layer {} of {}</source>
      <translation>Der Layer {} von {} kann nicht geöffnet werden</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="118" />
      <source>Cannot open the round's output(s): {}</source>
      <translation>Die Ausgabe(n) der Runde können nicht geöffnet werden: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="72" />
      <source>Cannot read the earlier rounds: {}</source>
      <translation>Die früheren Runden können nicht gelesen werden: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="250" />
      <source>Cannot save the edits of {}: {}</source>
      <translation>Die Änderungen an {} können nicht gespeichert werden: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_export.py" line="36" />
      <source>Cannot write {}: {}</source>
      <translation>{} kann nicht geschrieben werden: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="81" />
      <source>Centerline buffer (metres)</source>
      <translation>Puffer um Mittellinien (Meter)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="56" />
      <source>Check</source>
      <translation>Prüfen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="234" />
      <source>Check at least one training raster.</source>
      <translation>Wählen Sie mindestens ein Trainingsraster aus.</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="95" />
      <source>Check road extraction engine</source>
      <translation>Engine der Straßenextraktion prüfen</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="90" />
      <source>Checking {}…</source>
      <translation>Prüfe {}…</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="119" />
      <source>Choose a Road model, or check Use the bundled base model</source>
      <translation>Wählen Sie ein Straßenmodell oder aktivieren Sie „Mitgeliefertes Basismodell verwenden“</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="305" />
      <source>Choose a raster first.</source>
      <translation>Wählen Sie zuerst ein Raster.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="179" />
      <source>Choose a raster first: the labels take its CRS.</source>
      <translation>Wählen Sie zuerst ein Raster: die Labels übernehmen sein KBS.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="238" />
      <source>Continue from model</source>
      <translation>Fortsetzen mit Modell</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="153" />
      <source>Create label layers</source>
      <translation>Label-Layer anlegen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="231" />
      <source>Create the label layers on a raster first.</source>
      <translation>Legen Sie zuerst die Label-Layer auf einem Raster an.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="44" />
      <source>Creates (or repairs) the Python environment that runs the road extraction engine: a virtual environment made from QGIS's Python with --system-site-packages (so it sees GDAL's bindings), then the pinned packages of the plugin's requirements (PyTorch with CUDA, torchvision, scikit-image, ...: about 3 GB to download). The environment goes into the QGIS profile folder (road_extraction/venv) unless Environment folder says otherwise. Cancel stops pip; running the algorithm again repairs a half-done install.</source>
      <translation>Legt die Python-Umgebung an (oder repariert sie), in der die Engine der Straßenextraktion läuft: eine virtuelle Umgebung aus dem Python von QGIS mit --system-site-packages (damit sie die GDAL-Bindings sieht), dann die festgelegten Pakete der Anforderungen des Plugins (PyTorch mit CUDA, torchvision, scikit-image, ...: etwa 3 GB Download). Die Umgebung kommt in den QGIS-Profilordner (road_extraction/venv), sofern Umgebungsordner nichts anderes angibt. Abbrechen stoppt pip; ein erneuter Lauf des Algorithmus repariert eine halbfertige Installation.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="133" />
      <source>DEVICE is {!r}; use auto, cpu, cuda or cuda:N (for example cuda:0)</source>
      <translation>DEVICE ist {!r}; verwenden Sie auto, cpu, cuda oder cuda:N (zum Beispiel cuda:0)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="105" />
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="337" />
      <source>Device must be auto, cpu, cuda or cuda:N.</source>
      <translation>Das Gerät muss auto, cpu, cuda oder cuda:N sein.</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="81" />
      <source>Device {!r}: use auto, cpu, cuda or cuda:N.</source>
      <translation>Gerät {!r}: verwenden Sie auto, cpu, cuda oder cuda:N.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="161" />
      <source>Drag a rectangle: inside it, what is not road is background</source>
      <translation>Ein Rechteck aufziehen: darin ist, was keine Straße ist, Hintergrund</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="157" />
      <source>Draw road centerlines (QGIS's Add Feature tool)</source>
      <translation>Straßenmittellinien zeichnen (Werkzeug Objekt hinzufügen von QGIS)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="159" />
      <source>Draw road polygons (QGIS's Add Feature tool)</source>
      <translation>Straßenpolygone zeichnen (Werkzeug Objekt hinzufügen von QGIS)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="59" />
      <source>Engine Python (empty = automatic)</source>
      <translation>Python der Engine (leer = automatisch)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="65" />
      <source>Engine interpreter</source>
      <translation>Interpreter der Engine</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="55" />
      <source>Environment folder</source>
      <translation>Umgebungsordner</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="55" />
      <source>Evaluate road extraction</source>
      <translation>Straßenextraktion bewerten</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="60" />
      <source>Extract roads</source>
      <translation>Straßen extrahieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="283" />
      <source>Extract roads…</source>
      <translation>Straßen extrahieren…</translation>
    </message>
    <message>
      <location filename="../plugin/dock/scores.py" line="16" />
      <source>F1</source>
      <translation>F1</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="196" />
      <source>Filter</source>
      <translation>Filter</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="128" />
      <source>Fine-tune the bundled base model</source>
      <translation>Mitgeliefertes Basismodell nachtrainieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="142" />
      <source>First guess</source>
      <translation>Erste Schätzung</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="33" />
      <source>First guess (base model, no labels) - {}</source>
      <translation>Erste Schätzung (Basismodell, ohne Labels) - {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="374" />
      <source>First guess finished in {:.0f} s: the base model's roads, from no label of yours. Label where they are wrong, then train a round.</source>
      <translation>Erste Schätzung nach {:.0f} s fertig: die Straßen des Basismodells, ohne eines Ihrer Labels. Labeln Sie, wo sie falsch sind, und trainieren Sie dann eine Runde.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="94" />
      <source>First guess: {}</source>
      <translation>Erste Schätzung: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="117" />
      <source>Give either a Road model or Use the bundled base model, not both</source>
      <translation>Geben Sie entweder ein Straßenmodell an oder „Mitgeliefertes Basismodell verwenden“, nicht beides</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="187" />
      <source>Give either an Initial model or Fine-tune the bundled base model, not both</source>
      <translation>Geben Sie entweder ein Ausgangsmodell an oder „Mitgeliefertes Basismodell nachtrainieren“, nicht beides</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="165" />
      <source>INPUT: choose at least one raster</source>
      <translation>INPUT: mindestens ein Raster wählen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="223" />
      <source>Idle</source>
      <translation>Bereit</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="125" />
      <source>Initial model to fine-tune</source>
      <translation>Ausgangsmodell zum Nachtrainieren</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="41" />
      <source>Install / repair engine</source>
      <translation>Engine installieren / reparieren</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="66" />
      <source>Install / repair engine…</source>
      <translation>Engine installieren / reparieren…</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="129" />
      <source>Instead of Initial model, start from the base model bundled with the plugin for the rasters' band count (resources/models/base_&lt;N&gt;band.pt)</source>
      <translation>Statt vom Ausgangsmodell vom mit dem Plugin mitgelieferten Basismodell für die Bandanzahl der Raster ausgehen (resources/models/base_&lt;N&gt;band.pt)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="85" />
      <source>Instead of Road model, the base model bundled with the plugin for the rasters' band count (resources/models/base_&lt;N&gt;band.pt)</source>
      <translation>Statt des Straßenmodells das mit dem Plugin mitgelieferte Basismodell für die Bandanzahl der Raster (resources/models/base_&lt;N&gt;band.pt)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/scores.py" line="16" />
      <source>IoU</source>
      <translation>IoU</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="160" />
      <source>Labeled area</source>
      <translation>Gelabelte Fläche</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="101" />
      <source>Labeled area (polygons)</source>
      <translation>Gelabelte Fläche (Polygone)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="233" />
      <source>Labeled area: {:.4f} km² ({} px of {}) · road length: {:.0f} m · road polygons: {}</source>
      <translation>Gelabelte Fläche: {:.4f} km² ({} px von {}) · Straßenlänge: {:.0f} m · Straßenpolygone: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="87" />
      <source>Labeled rasters</source>
      <translation>Gelabelte Raster</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="132" />
      <source>Labels</source>
      <translation>Labels</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="24" />
      <source>Labels: {}</source>
      <translation>Labels: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="110" />
      <source>Learn from unlabeled images (semi-supervised)</source>
      <translation>Ungelabelte Bilder nutzen (halbüberwacht)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="142" />
      <source>Model</source>
      <translation>Modell</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="143" />
      <source>Moved, but these old files could not be removed: {}</source>
      <translation>Verschoben, aber diese alten Dateien konnten nicht entfernt werden: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="191" />
      <source>No base model is bundled for {}-band rasters (looked for {}); choose a road model trained on your labels instead.</source>
      <translation>Für Raster mit {} Bändern ist kein Basismodell mitgeliefert (gesucht: {}); wählen Sie stattdessen ein auf Ihren Labels trainiertes Straßenmodell.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="313" />
      <source>No base model is bundled for {}-band rasters (looked for {}); label a few roads and train a round instead.</source>
      <translation>Für Raster mit {} Bändern ist kein Basismodell mitgeliefert (gesucht: {}); labeln Sie stattdessen einige Straßen und trainieren Sie eine Runde.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="311" />
      <source>No base model is bundled for {}-band rasters; label a few roads and train a round instead.</source>
      <translation>Für Raster mit {} Bändern ist kein Basismodell mitgeliefert; labeln Sie stattdessen einige Straßen und trainieren Sie eine Runde.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="167" />
      <source>No label layers yet.</source>
      <translation>Noch keine Label-Layer.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_counts.py" line="88" />
      <source>No labeled area on the raster: drag a rectangle with 'Labeled area' where every non-road pixel is background.</source>
      <translation>Keine gelabelte Fläche auf dem Raster: ziehen Sie mit „Gelabelte Fläche“ ein Rechteck auf, in dem jedes Pixel, das keine Straße ist, Hintergrund ist.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_counts.py" line="91" />
      <source>No road is labeled: draw road centerlines or road polygons.</source>
      <translation>Keine Straße gelabelt: zeichnen Sie Straßenmittellinien oder Straßenpolygone.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/metrics_plot.py" line="84" />
      <source>No round yet</source>
      <translation>Noch keine Runde</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="146" />
      <source>OUTPUT_PROBABILITY must be a GeoTIFF (.tif), not {}</source>
      <translation>OUTPUT_PROBABILITY muss ein GeoTIFF (.tif) sein, nicht {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="284" />
      <source>Open Extract roads with the run's best model and the raster above</source>
      <translation>Straßen extrahieren mit dem besten Modell des Laufs und dem Raster oben öffnen</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="94" />
      <source>Overlap (fraction of a tile)</source>
      <translation>Überlappung (Anteil einer Kachel)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="324" />
      <source>Predict the roads of this raster with the bundled base model, before any label is drawn; then correct them with labels and train rounds.</source>
      <translation>Die Straßen dieses Rasters mit dem mitgelieferten Basismodell vorhersagen, bevor ein Label gezeichnet ist; dann mit Labels korrigieren und Runden trainieren.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="50" />
      <source>Predicted centerlines</source>
      <translation>Vorhergesagte Mittellinien</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="52" />
      <source>Predicted roads</source>
      <translation>Vorhergesagte Straßen</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="73" />
      <source>Prediction (raster or roads)</source>
      <translation>Vorhersage (Raster oder Straßen)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="53" />
      <source>Press Check to test the engine's environment.</source>
      <translation>Drücken Sie Prüfen, um die Umgebung der Engine zu testen.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="122" />
      <source>Profile</source>
      <translation>Profil</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="152" />
      <source>RASTERS is empty; give at least one raster</source>
      <translation>RASTERS ist leer; geben Sie mindestens ein Raster an</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="139" />
      <source>Raster</source>
      <translation>Raster</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="89" />
      <source>Rasters</source>
      <translation>Raster</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="75" />
      <source>Reference (mask raster or centerlines)</source>
      <translation>Referenz (Maskenraster oder Mittellinien)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="78" />
      <source>Relaxed tolerance rho (pixels)</source>
      <translation>Toleranz rho (Pixel)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="59" />
      <source>Requirements file</source>
      <translation>Anforderungsdatei</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="275" />
      <source>Results</source>
      <translation>Ergebnisse</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="108" />
      <source>Road centerlines</source>
      <translation>Straßenmittellinien</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="64" />
      <source>Road extraction</source>
      <translation>Straßenextraktion</translation>
    </message>
    <message>
      <location filename="../plugin/provider.py" line="31" />
      <source>Road extraction (PyTorch engine)</source>
      <translation>Straßenextraktion (PyTorch-Engine)</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="88" />
      <source>Road extraction dock</source>
      <translation>Straßenextraktion-Panel</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="40" />
      <source>Road extraction settings</source>
      <translation>Einstellungen der Straßenextraktion</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="76" />
      <source>Road extraction: first guess</source>
      <translation>Straßenextraktion: erste Schätzung</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="125" />
      <source>Road extraction: first guess (cancelled)</source>
      <translation>Straßenextraktion: erste Schätzung (abgebrochen)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_history.py" line="82" />
      <source>Road extraction: reading the rounds</source>
      <translation>Straßenextraktion: Runden werden gelesen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="96" />
      <source>Road extraction: round {}</source>
      <translation>Straßenextraktion: Runde {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="186" />
      <source>Road extraction: round {} (cancelled)</source>
      <translation>Straßenextraktion: Runde {} (abgebrochen)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="54" />
      <source>Road labels</source>
      <translation>Straßen-Labels</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="89" />
      <source>Road labels (lines or polygons)</source>
      <translation>Straßen-Labels (Linien oder Polygone)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="82" />
      <source>Road model</source>
      <translation>Straßenmodell</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="237" />
      <source>Road model (*.pt)</source>
      <translation>Straßenmodell (*.pt)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="203" />
      <source>Road model training</source>
      <translation>Training des Straßenmodells</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="158" />
      <source>Road polygons</source>
      <translation>Polygone</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="104" />
      <source>Road probability</source>
      <translation>Straßenwahrscheinlichkeit</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="117" />
      <source>Road probability above which a pixel is road; empty = the threshold calibrated on the model's hold-out, stored in the model / the probability raster</source>
      <translation>Straßenwahrscheinlichkeit, über der ein Pixel Straße ist; leer = der auf dem zurückgehaltenen Teil des Modells kalibrierte Schwellenwert, im Modell / im Wahrscheinlichkeitsraster gespeichert</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/vectorize_probability.py" line="51" />
      <source>Road probability raster</source>
      <translation>Raster der Straßenwahrscheinlichkeit</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="115" />
      <source>Road threshold</source>
      <translation>Straßen-Schwellenwert</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="152" />
      <source>Road width</source>
      <translation>Straßenbreite</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="92" />
      <source>Road width (metres, for lines)</source>
      <translation>Straßenbreite (Meter, für Linien)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="98" />
      <source>Road width of each line in metres; overrides Road width</source>
      <translation>Straßenbreite jeder Linie in Metern; ersetzt Straßenbreite</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="106" />
      <source>Roads</source>
      <translation>Straßen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="28" />
      <source>Roads - round {}</source>
      <translation>Straßen - Runde {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="128" />
      <source>Round {} ({} of {}): {}</source>
      <translation>Runde {} ({} von {}): {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="455" />
      <source>Round {} did better on the hold-out and stays in use (on the map and for Extract).</source>
      <translation>Runde {} war auf dem zurückgehaltenen Teil besser und bleibt in Verwendung (auf der Karte und für „Straßen extrahieren“).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="453" />
      <source>Round {} finished in {:.0f} s.</source>
      <translation>Runde {} fertig in {:.0f} s.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="130" />
      <source>Round {}: {}</source>
      <translation>Runde {}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="194" />
      <source>Rounds</source>
      <translation>Runden</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="119" />
      <source>Rounds (at most)</source>
      <translation>Runden (höchstens)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="267" />
      <source>Run</source>
      <translation>Ausführen</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="87" />
      <source>Scores (JSON)</source>
      <translation>Kennzahlen (JSON)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="58" />
      <source>Scores a road extraction against a reference. Prediction: a probability raster (cut at Road threshold; empty = the threshold calibrated on the model's hold-out, recorded in the probability raster), a 0/1 mask, or road vectors. Reference: a mask raster (1 road, 0 background, 255 not counted) or road centerlines. Gives pixel precision, recall, F1 and IoU; relaxed precision, recall and F1 within Rho pixels; completeness, correctness and quality of centerlines within Buffer metres; and APLS between the centerline graphs. Each score is also an output number (PRECISION, RECALL, ..., APLS) for models; undefined scores are empty.</source>
      <translation>Bewertet eine Straßenextraktion gegen eine Referenz. Vorhersage: ein Wahrscheinlichkeitsraster (am Straßen-Schwellenwert geschnitten; leer = der auf dem zurückgehaltenen Teil des Modells kalibrierte Schwellenwert, im Wahrscheinlichkeitsraster vermerkt), eine 0/1-Maske oder Straßenvektoren. Referenz: ein Maskenraster (1 Straße, 0 Hintergrund, 255 zählt nicht) oder Straßenmittellinien. Liefert Pixel-Präzision, Recall, F1 und IoU; tolerante Präzision, Recall und F1 innerhalb von Rho Pixeln; Vollständigkeit, Korrektheit und Qualität der Mittellinien innerhalb von Puffer Metern; und APLS zwischen den Mittelliniengraphen. Jede Kennzahl ist auch eine Ausgabezahl (PRECISION, RECALL, ..., APLS) für Modelle; undefinierte Kennzahlen sind leer.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="85" />
      <source>Scores table</source>
      <translation>Kennzahlentabelle</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="242" />
      <source>Semi-supervised</source>
      <translation>Halbüberwacht</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="240" />
      <source>Settings (*.json *.toml)</source>
      <translation>Einstellungen (*.json *.toml)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="32" />
      <source>Settings file</source>
      <translation>Einstellungsdatei</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="241" />
      <source>Settings file (JSON or TOML)</source>
      <translation>Einstellungsdatei (JSON oder TOML)</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="68" />
      <source>Settings…</source>
      <translation>Einstellungen…</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="100" />
      <source>Test-time augmentation (TTA)</source>
      <translation>Test-Time-Augmentation (TTA)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="104" />
      <source>The check failed: {}</source>
      <translation>Die Prüfung ist fehlgeschlagen: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="179" />
      <source>The engine failed: {} (the full report is in the log)</source>
      <translation>Die Engine ist fehlgeschlagen: {} (der vollständige Bericht steht im Protokoll)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="177" />
      <source>The engine refused the input: {}</source>
      <translation>Die Engine hat die Eingabe abgelehnt: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="257" />
      <source>The engine's output {} has no valid layer {!r}</source>
      <translation>Die Ausgabe {} der Engine hat keinen gültigen Layer {!r}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="346" />
      <source>The first guess cannot start: {}</source>
      <translation>Die erste Schätzung kann nicht starten: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="383" />
      <source>The first guess failed.</source>
      <translation>Die erste Schätzung ist fehlgeschlagen.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="384" />
      <source>The first guess failed: {}</source>
      <translation>Die erste Schätzung ist fehlgeschlagen: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="140" />
      <source>The labels and rounds are now in {}</source>
      <translation>Die Labels und Runden liegen jetzt in {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="132" />
      <source>The labels are kept in {}. Move them, and the rounds trained on them, to {}?</source>
      <translation>Die Labels liegen in {}. Sollen sie und die damit trainierten Runden nach {} verschoben werden?</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="110" />
      <source>The plugin runs the engine with {}; choose {} in Plugins &gt; Road extraction &gt; Settings to use this environment.</source>
      <translation>Das Plugin führt die Engine mit {} aus; wählen Sie {} unter Erweiterungen &gt; Straßenextraktion &gt; Einstellungen, um diese Umgebung zu verwenden.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="26" />
      <source>The project is not saved, so they are kept in QGIS's profile folder; save the project to keep them beside it.</source>
      <translation>Das Projekt ist nicht gespeichert, daher liegen sie im Profilordner von QGIS; speichern Sie das Projekt, um sie daneben abzulegen.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_options.py" line="97" />
      <source>The remembered dock option {} ({!r}) is not valid here; the default is used.</source>
      <translation>Die gespeicherte Dock-Option {} ({!r}) ist hier nicht gültig; der Standardwert wird verwendet.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_options.py" line="185" />
      <source>The remembered file {} no longer exists; it is not restored.</source>
      <translation>Die gespeicherte Datei {} existiert nicht mehr; sie wird nicht wiederhergestellt.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="268" />
      <source>The round cannot start: {}</source>
      <translation>Die Runde kann nicht starten: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="438" />
      <source>The round failed.</source>
      <translation>Die Runde ist fehlgeschlagen.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="439" />
      <source>The round failed: {}</source>
      <translation>Die Runde ist fehlgeschlagen: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="91" />
      <source>Tile (pixels)</source>
      <translation>Kachel (Pixel)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="262" />
      <source>Train one round</source>
      <translation>Eine Runde trainieren</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="61" />
      <source>Train road model</source>
      <translation>Straßenmodell trainieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="262" />
      <source>Train round</source>
      <translation>Runde trainieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="268" />
      <source>Train this many rounds, one after the other</source>
      <translation>So viele Runden nacheinander trainieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="197" />
      <source>Training rasters</source>
      <translation>Trainingsraster</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="144" />
      <source>Training report</source>
      <translation>Trainingsbericht</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="136" />
      <source>Training settings (JSON or TOML)</source>
      <translation>Trainingseinstellungen (JSON/TOML)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="64" />
      <source>Trains a road segmentation model (U-Net) on a few labeled roads, in rounds.&lt;br&gt;&lt;b&gt;Rasters&lt;/b&gt;: the labeled images (same bands). &lt;b&gt;Roads&lt;/b&gt;: centerlines (buffered by Road width in metres, or by the Width field) or road polygons. &lt;b&gt;Labeled area&lt;/b&gt;: inside it every pixel that is not road is background; &lt;b&gt;Background&lt;/b&gt; polygons are background too; everything else is unlabeled. &lt;br&gt;&lt;b&gt;Learn from unlabeled images (semi-supervised)&lt;/b&gt;, an advanced option, also trains on the unlabeled imagery (the Unlabeled rasters and the unlabeled parts of the labeled ones): from round 2, pseudo-labels of its most consistent tiles, trained on beside the labels. It is off by default: in the project's benchmark its gain was within the spread (see the README). &lt;b&gt;Unlabeled rasters&lt;/b&gt; are trained on only with it; without it they only count in the band statistics that normalise the images, and the log warns that they are not trained on.&lt;br&gt;The model keeps the best round (validation IoU on a held-out part of the labeled area); the report lists the scores of every round. Profile 'fast' suits a CPU, 'full' a GPU. Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. Config (advanced) is a JSON or TOML file of training settings; Initial model fine-tunes an existing model, Fine-tune the bundled base model (advanced) the plugin's base model of the rasters' band count.</source>
      <translation>Trainiert ein Modell zur Straßensegmentierung (U-Net) mit wenigen gelabelten Straßen, in Runden.&lt;br&gt;&lt;b&gt;Raster&lt;/b&gt;: die gelabelten Bilder (gleiche Bänder). &lt;b&gt;Straßen&lt;/b&gt;: Mittellinien (gepuffert um die Straßenbreite in Metern oder um das Breitenfeld) oder Straßenpolygone. &lt;b&gt;Gelabelte Fläche&lt;/b&gt;: darin ist jedes Pixel, das keine Straße ist, Hintergrund; &lt;b&gt;Hintergrund&lt;/b&gt;-Polygone sind ebenfalls Hintergrund; alles andere ist ungelabelt. &lt;br&gt;&lt;b&gt;Ungelabelte Bilder nutzen (halbüberwacht)&lt;/b&gt;, eine erweiterte Option, trainiert auch auf den ungelabelten Bildern (den Ungelabelten Rastern und den ungelabelten Teilen der gelabelten): ab Runde 2 mit Pseudo-Labels ihrer konsistentesten Kacheln, neben den Labels. Sie ist standardmäßig aus: im Benchmark des Projekts lag ihr Gewinn innerhalb der Streuung (siehe README). Auf &lt;b&gt;Ungelabelten Rastern&lt;/b&gt; wird nur mit ihr trainiert; ohne sie zählen sie nur für die Bandstatistiken, mit denen die Bilder normalisiert werden, und das Protokoll warnt, dass auf ihnen nicht trainiert wird.&lt;br&gt;Das Modell behält die beste Runde (Validierungs-IoU auf einem zurückgehaltenen Teil der gelabelten Fläche); der Bericht listet die Kennzahlen jeder Runde. Das Profil „fast“ passt zu einer CPU, „full“ zu einer GPU. Gerät: auto, cpu, cuda oder cuda:N; leer = das Gerät der Plugin-Einstellungen. Konfiguration (erweitert) ist eine JSON- oder TOML-Datei mit Trainingseinstellungen; Ausgangsmodell trainiert ein vorhandenes Modell nach, Mitgeliefertes Basismodell nachtrainieren (erweitert) das Basismodell des Plugins für die Bandanzahl der Raster.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/vectorize_probability.py" line="41" />
      <source>Turns a road probability raster (as written by Extract roads: Byte 0-254 with 255 as nodata, or Float32 0-1) into road polygons (threshold, small objects and holes removed, simplified) and road centerlines (skeleton graph, short spurs pruned, gaps joined, simplified; fields length_m, start_degree, end_degree). Lengths and areas are in metres. Road threshold: empty = the threshold calibrated on the model's hold-out, recorded in the probability raster.</source>
      <translation>Wandelt ein Raster der Straßenwahrscheinlichkeit (wie von Straßen extrahieren geschrieben: Byte 0-254 mit 255 als NoData, oder Float32 0-1) in Straßenpolygone (Schwellenwert, kleine Objekte und Löcher entfernt, vereinfacht) und Straßenmittellinien (Skelettgraph, kurze Ausläufer entfernt, Lücken geschlossen, vereinfacht; Felder length_m, start_degree, end_degree) um. Längen und Flächen sind in Metern. Straßen-Schwellenwert: leer = der auf dem zurückgehaltenen Teil des Modells kalibrierte Schwellenwert, im Wahrscheinlichkeitsraster vermerkt.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="107" />
      <source>Unlabeled rasters</source>
      <translation>Ungelabelte Raster</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="257" />
      <source>Unlabeled rasters (predicted and learned from)</source>
      <translation>Ungelabelte Raster (vorhergesagt und zum Lernen genutzt)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="258" />
      <source>Unlabeled rasters (predicted only; to learn from them, see Advanced)</source>
      <translation>Ungelabelte Raster (nur vorhergesagt; zum Lernen aus ihnen siehe Erweitert)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="84" />
      <source>Use the bundled base model</source>
      <translation>Mitgeliefertes Basismodell verwenden</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="105" />
      <source>Using round {} (best hold-out IoU {:.3f}).</source>
      <translation>Verwendet wird Runde {} (beste IoU auf dem zurückgehaltenen Teil: {:.3f}).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="108" />
      <source>Using round {} (best hold-out IoU {:.3f}); round {} scored {:.3f}.</source>
      <translation>Verwendet wird Runde {} (beste IoU auf dem zurückgehaltenen Teil: {:.3f}); Runde {} erreichte {:.3f}.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="106" />
      <source>Using round {} (best on the hold-out).</source>
      <translation>Verwendet wird Runde {} (die beste auf dem zurückgehaltenen Teil).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="110" />
      <source>Using round {} (best on the hold-out); round {} did worse.</source>
      <translation>Verwendet wird Runde {} (die beste auf dem zurückgehaltenen Teil); Runde {} schnitt schlechter ab.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="278" />
      <source>Validation scores per round</source>
      <translation>Validierungskennzahlen je Runde</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/vectorize_probability.py" line="38" />
      <source>Vectorize road probability</source>
      <translation>Straßenwahrscheinlichkeit vektorisieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="307" />
      <source>Wait until the running round or first guess ends (or cancel it).</source>
      <translation>Warten Sie, bis die laufende Runde oder erste Schätzung endet (oder brechen Sie sie ab).</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="56" />
      <source>Where the environment goes; empty = the plugin's own, in the QGIS profile folder</source>
      <translation>Wohin die Umgebung kommt; leer = die eigene des Plugins, im QGIS-Profilordner</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="64" />
      <source>Where to label next</source>
      <translation>Wo als Nächstes labeln</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="458" />
      <source>Where to label next: no tile of {} px is less than 10 % labeled, so there is nothing to suggest; label next wherever the predicted roads are wrong.</source>
      <translation>Wo als Nächstes labeln: keine Kachel von {} px ist zu weniger als 10 % gelabelt, es gibt also keinen Vorschlag; labeln Sie als Nächstes dort, wo die vorhergesagten Straßen falsch sind.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="95" />
      <source>Width field (metres)</source>
      <translation>Breitenfeld (Meter)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="61" />
      <source>Working folder</source>
      <translation>Arbeitsordner</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="294" />
      <source>about {} s left</source>
      <translation>noch etwa {} s</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="107" />
      <source>auto, cpu, cuda or cuda:N; empty = the device of the plugin settings</source>
      <translation>auto, cpu, cuda oder cuda:N; leer = das Gerät der Plugin-Einstellungen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/metrics_plot.py" line="130" />
      <source>best</source>
      <translation>beste</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="207" />
      <source>fast (CPU)</source>
      <translation>fast (CPU)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="208" />
      <source>full (GPU)</source>
      <translation>full (GPU)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="130" />
      <source>labeled areas</source>
      <translation>gelabelte Flächen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="292" />
      <source>loss {:.3f}</source>
      <translation>Verlust {:.3f}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="61" />
      <source>pip requirements; empty = the plugin's pinned set</source>
      <translation>pip-Anforderungen; leer = die festgelegten Pakete des Plugins</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="92" />
      <source>predicting {}</source>
      <translation>{} wird vorhergesagt</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="120" />
      <source>predicting {} ({}/{})</source>
      <translation>Vorhersage für {} ({}/{})</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="123" />
      <source>pseudo-labels</source>
      <translation>Pseudo-Labels</translation>
    </message>
    <message>
      <location filename="../plugin/dock/scores.py" line="16" />
      <source>relaxed F1</source>
      <translation>toleranter F1</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="129" />
      <source>road centerlines</source>
      <translation>Straßenmittellinien</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="129" />
      <source>road polygons</source>
      <translation>Straßenpolygone</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="93" />
      <source>roads and centerlines</source>
      <translation>Straßen und Mittellinien</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="91" />
      <source>starting the engine</source>
      <translation>Engine wird gestartet</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="30" />
      <source>the labeled areas</source>
      <translation>die gelabelten Flächen</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="25" />
      <source>the number of rounds</source>
      <translation>die Zahl der Runden</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="29" />
      <source>the road labels</source>
      <translation>die Straßen-Labels</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="124" />
      <source>training</source>
      <translation>Training</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="124" />
      <source>validation</source>
      <translation>Validierung</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="125" />
      <source>where to label next</source>
      <translation>wo als Nächstes labeln</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="21" />
      <source>{} (Advanced)</source>
      <translation>{} (Erweitert)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="43" />
      <source>{} - first guess</source>
      <translation>{} - erste Schätzung</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="38" />
      <source>{} - round {}</source>
      <translation>{} - Runde {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="39" />
      <source>{} - round {} - {}</source>
      <translation>{} - Runde {} - {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="87" />
      <source>{} failed with exit status {}:
{}</source>
      <translation>{} ist mit Exit-Status {} fehlgeschlagen:
{}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="245" />
      <source>{} is not a layer QGIS can open</source>
      <translation>{} ist kein Layer, den QGIS öffnen kann</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_counts.py" line="93" />
      <source>{} label feature(s) lie outside the raster: move or delete them.</source>
      <translation>{} Label-Objekt(e) liegen außerhalb des Rasters: verschieben oder löschen Sie sie.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="224" />
      <source>{}: {}</source>
      <translation>{}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="20" />
      <source>“{}”</source>
      <translation>„{}“</translation>
    </message>
  </context>
</TS>
