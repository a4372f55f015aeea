<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
  <context>
    <name>RoadExtraction</name>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="266" />
      <source> rounds</source>
      <translation> rounds</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="47" />
      <source>&amp;Road extraction</source>
      <translation>&amp;Road extraction</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="234" />
      <source>Advanced</source>
      <translation>Advanced</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="112" />
      <source>Also learn from the unlabeled imagery (the unlabeled rasters and the unlabeled parts of the labeled ones): from round 2, pseudo-labels of its most consistent tiles. Off by default: the benchmark's gain was within its spread (see the README).</source>
      <translation>Also learn from the unlabeled imagery (the unlabeled rasters and the unlabeled parts of the labeled ones): from round 2, pseudo-labels of its most consistent tiles. Off by default: the benchmark's gain was within its spread (see the README).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="244" />
      <source>Also learn from the unlabeled rasters and the unlabeled parts of the training rasters: from the second round, pseudo-labels of their most consistent tiles. Off by default: in the project's benchmark its gain was within the spread (see the README).</source>
      <translation>Also learn from the unlabeled rasters and the unlabeled parts of the training rasters: from the second round, pseudo-labels of their most consistent tiles. Off by default: in the project's benchmark its gain was within the spread (see the README).</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="63" />
      <source>Applies a road model to one raster or several (the tiles of a mosaic, or a VRT of them): a road probability raster on each input's exact grid and CRS (GeoTIFF, Byte 0-254, 255 = nodata), road polygons and road centerlines (with length_m) for all of them together. With several rasters, the probability rasters are written beside Road probability as &lt;name&gt;_&lt;raster&gt;.tif, with a VRT mosaic &lt;name&gt;.vrt of them, which is the output; they need one CRS and one pixel size. Rasters are read by windows of Tile pixels that overlap by Overlap (a fraction) and are blended, and vectorised by blocks, so memory does not grow with the rasters; empty areas cost nothing. TTA averages the 8 flips/rotations (8 times slower). Pixels with probability above Road threshold are road; empty = the threshold calibrated on the model's hold-out, stored in the model. Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. The rasters must have the model's bands. Use the bundled base model (instead of Road model): the model shipped in the plugin's resources/models/ for the rasters' band count (base_&lt;N&gt;band.pt), a first guess before any label is drawn.</source>
      <translation>Applies a road model to one raster or several (the tiles of a mosaic, or a VRT of them): a road probability raster on each input's exact grid and CRS (GeoTIFF, Byte 0-254, 255 = nodata), road polygons and road centerlines (with length_m) for all of them together. With several rasters, the probability rasters are written beside Road probability as &lt;name&gt;_&lt;raster&gt;.tif, with a VRT mosaic &lt;name&gt;.vrt of them, which is the output; they need one CRS and one pixel size. Rasters are read by windows of Tile pixels that overlap by Overlap (a fraction) and are blended, and vectorised by blocks, so memory does not grow with the rasters; empty areas cost nothing. TTA averages the 8 flips/rotations (8 times slower). Pixels with probability above Road threshold are road; empty = the threshold calibrated on the model's hold-out, stored in the model. Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. The rasters must have the model's bands. Use the bundled base model (instead of Road model): the model shipped in the plugin's resources/models/ for the rasters' band count (base_&lt;N&gt;band.pt), a first guess before any label is drawn.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="104" />
      <source>Background (polygons)</source>
      <translation>Background (polygons)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="146" />
      <source>Best round</source>
      <translation>Best round</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="227" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="163" />
      <source>Cancelled ({}); the engine left no partial output.</source>
      <translation>Cancelled ({}); the engine left no partial output.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="101" />
      <source>Cancelled before {}</source>
      <translation>Cancelled before {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="82" />
      <source>Cancelled during: {}. Run Install / repair engine again to finish the environment.</source>
      <translation>Cancelled during: {}. Run Install / repair engine again to finish the environment.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="265" />
      <source>Cancelled while writing {}</source>
      <translation>Cancelled while writing {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="381" />
      <source>Cancelled; the engine left no partial output.</source>
      <translation>Cancelled; the engine left no partial output.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="49" />
      <source>Cannot copy {} to {}: {}</source>
      <translation>Cannot copy {} to {}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="55" />
      <source>Cannot move the labels: {} exist(s) already; move or delete it first.</source>
      <translation>Cannot move the labels: {} exist(s) already; move or delete it first.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="152" />
      <source>Cannot open the first guess's output(s): {}</source>
      <translation>Cannot open the first guess's output(s): {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="133" />
      <source>Cannot open the layer {} of {}</source>
      <translation>Cannot open the layer {} of {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="118" />
      <source>Cannot open the round's output(s): {}</source>
      <translation>Cannot open the round's output(s): {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="72" />
      <source>Cannot read the earlier rounds: {}</source>
      <translation>Cannot read the earlier rounds: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="250" />
      <source>Cannot save the edits of {}: {}</source>
      <translation>Cannot save the edits of {}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_export.py" line="36" />
      <source>Cannot write {}: {}</source>
      <translation>Cannot write {}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="81" />
      <source>Centerline buffer (metres)</source>
      <translation>Centerline buffer (metres)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="56" />
      <source>Check</source>
      <translation>Check</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="234" />
      <source>Check at least one training raster.</source>
      <translation>Check at least one training raster.</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="95" />
      <source>Check road extraction engine</source>
      <translation>Check road extraction engine</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="90" />
      <source>Checking {}…</source>
      <translation>Checking {}…</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="119" />
      <source>Choose a Road model, or check Use the bundled base model</source>
      <translation>Choose a Road model, or check Use the bundled base model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="305" />
      <source>Choose a raster first.</source>
      <translation>Choose a raster first.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="179" />
      <source>Choose a raster first: the labels take its CRS.</source>
      <translation>Choose a raster first: the labels take its CRS.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="238" />
      <source>Continue from model</source>
      <translation>Continue from model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="153" />
      <source>Create label layers</source>
      <translation>Create label layers</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="231" />
      <source>Create the label layers on a raster first.</source>
      <translation>Create the label layers on a raster first.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="44" />
      <source>Creates (or repairs) the Python environment that runs the road extraction engine: a virtual environment made from QGIS's Python with --system-site-packages (so it sees GDAL's bindings), then the pinned packages of the plugin's requirements (PyTorch with CUDA, torchvision, scikit-image, ...: about 3 GB to download). The environment goes into the QGIS profile folder (road_extraction/venv) unless Environment folder says otherwise. Cancel stops pip; running the algorithm again repairs a half-done install.</source>
      <translation>Creates (or repairs) the Python environment that runs the road extraction engine: a virtual environment made from QGIS's Python with --system-site-packages (so it sees GDAL's bindings), then the pinned packages of the plugin's requirements (PyTorch with CUDA, torchvision, scikit-image, ...: about 3 GB to download). The environment goes into the QGIS profile folder (road_extraction/venv) unless Environment folder says otherwise. Cancel stops pip; running the algorithm again repairs a half-done install.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="133" />
      <source>DEVICE is {!r}; use auto, cpu, cuda or cuda:N (for example cuda:0)</source>
      <translation>DEVICE is {!r}; use auto, cpu, cuda or cuda:N (for example cuda:0)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="105" />
      <source>Device</source>
      <translation>Device</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="337" />
      <source>Device must be auto, cpu, cuda or cuda:N.</source>
      <translation>Device must be auto, cpu, cuda or cuda:N.</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="81" />
      <source>Device {!r}: use auto, cpu, cuda or cuda:N.</source>
      <translation>Device {!r}: use auto, cpu, cuda or cuda:N.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="161" />
      <source>Drag a rectangle: inside it, what is not road is background</source>
      <translation>Drag a rectangle: inside it, what is not road is background</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="157" />
      <source>Draw road centerlines (QGIS's Add Feature tool)</source>
      <translation>Draw road centerlines (QGIS's Add Feature tool)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="159" />
      <source>Draw road polygons (QGIS's Add Feature tool)</source>
      <translation>Draw road polygons (QGIS's Add Feature tool)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="59" />
      <source>Engine Python (empty = automatic)</source>
      <translation>Engine Python (empty = automatic)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="65" />
      <source>Engine interpreter</source>
      <translation>Engine interpreter</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="55" />
      <source>Environment folder</source>
      <translation>Environment folder</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="55" />
      <source>Evaluate road extraction</source>
      <translation>Evaluate road extraction</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="60" />
      <source>Extract roads</source>
      <translation>Extract roads</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="283" />
      <source>Extract roads…</source>
      <translation>Extract roads…</translation>
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
      <translation>Fine-tune the bundled base model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="142" />
      <source>First guess</source>
      <translation>First guess</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="33" />
      <source>First guess (base model, no labels) - {}</source>
      <translation>First guess (base model, no labels) - {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="374" />
      <source>First guess finished in {:.0f} s: the base model's roads, from no label of yours. Label where they are wrong, then train a round.</source>
      <translation>First guess finished in {:.0f} s: the base model's roads, from no label of yours. Label where they are wrong, then train a round.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="94" />
      <source>First guess: {}</source>
      <translation>First guess: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="117" />
      <source>Give either a Road model or Use the bundled base model, not both</source>
      <translation>Give either a Road model or Use the bundled base model, not both</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="187" />
      <source>Give either an Initial model or Fine-tune the bundled base model, not both</source>
      <translation>Give either an Initial model or Fine-tune the bundled base model, not both</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="165" />
      <source>INPUT: choose at least one raster</source>
      <translation>INPUT: choose at least one raster</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="223" />
      <source>Idle</source>
      <translation>Idle</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="125" />
      <source>Initial model to fine-tune</source>
      <translation>Initial model to fine-tune</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="41" />
      <source>Install / repair engine</source>
      <translation>Install / repair engine</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="66" />
      <source>Install / repair engine…</source>
      <translation>Install / repair engine…</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="129" />
      <source>Instead of Initial model, start from the base model bundled with the plugin for the rasters' band count (resources/models/base_&lt;N&gt;band.pt)</source>
      <translation>Instead of Initial model, start from the base model bundled with the plugin for the rasters' band count (resources/models/base_&lt;N&gt;band.pt)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="85" />
      <source>Instead of Road model, the base model bundled with the plugin for the rasters' band count (resources/models/base_&lt;N&gt;band.pt)</source>
      <translation>Instead of Road model, the base model bundled with the plugin for the rasters' band count (resources/models/base_&lt;N&gt;band.pt)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/scores.py" line="16" />
      <source>IoU</source>
      <translation>IoU</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="160" />
      <source>Labeled area</source>
      <translation>Labeled area</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="101" />
      <source>Labeled area (polygons)</source>
      <translation>Labeled area (polygons)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="233" />
      <source>Labeled area: {:.4f} km² ({} px of {}) · road length: {:.0f} m · road polygons: {}</source>
      <translation>Labeled area: {:.4f} km² ({} px of {}) · road length: {:.0f} m · road polygons: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="87" />
      <source>Labeled rasters</source>
      <translation>Labeled rasters</translation>
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
      <translation>Learn from unlabeled images (semi-supervised)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="142" />
      <source>Model</source>
      <translation>Model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="143" />
      <source>Moved, but these old files could not be removed: {}</source>
      <translation>Moved, but these old files could not be removed: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="191" />
      <source>No base model is bundled for {}-band rasters (looked for {}); choose a road model trained on your labels instead.</source>
      <translation>No base model is bundled for {}-band rasters (looked for {}); choose a road model trained on your labels instead.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="313" />
      <source>No base model is bundled for {}-band rasters (looked for {}); label a few roads and train a round instead.</source>
      <translation>No base model is bundled for {}-band rasters (looked for {}); label a few roads and train a round instead.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="311" />
      <source>No base model is bundled for {}-band rasters; label a few roads and train a round instead.</source>
      <translation>No base model is bundled for {}-band rasters; label a few roads and train a round instead.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="167" />
      <source>No label layers yet.</source>
      <translation>No label layers yet.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_counts.py" line="88" />
      <source>No labeled area on the raster: drag a rectangle with 'Labeled area' where every non-road pixel is background.</source>
      <translation>No labeled area on the raster: drag a rectangle with 'Labeled area' where every non-road pixel is background.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_counts.py" line="91" />
      <source>No road is labeled: draw road centerlines or road polygons.</source>
      <translation>No road is labeled: draw road centerlines or road polygons.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/metrics_plot.py" line="84" />
      <source>No round yet</source>
      <translation>No round yet</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="146" />
      <source>OUTPUT_PROBABILITY must be a GeoTIFF (.tif), not {}</source>
      <translation>OUTPUT_PROBABILITY must be a GeoTIFF (.tif), not {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="284" />
      <source>Open Extract roads with the run's best model and the raster above</source>
      <translation>Open Extract roads with the run's best model and the raster above</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="94" />
      <source>Overlap (fraction of a tile)</source>
      <translation>Overlap (fraction of a tile)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="324" />
      <source>Predict the roads of this raster with the bundled base model, before any label is drawn; then correct them with labels and train rounds.</source>
      <translation>Predict the roads of this raster with the bundled base model, before any label is drawn; then correct them with labels and train rounds.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="50" />
      <source>Predicted centerlines</source>
      <translation>Predicted centerlines</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="52" />
      <source>Predicted roads</source>
      <translation>Predicted roads</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="73" />
      <source>Prediction (raster or roads)</source>
      <translation>Prediction (raster or roads)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="53" />
      <source>Press Check to test the engine's environment.</source>
      <translation>Press Check to test the engine's environment.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="122" />
      <source>Profile</source>
      <translation>Profile</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="152" />
      <source>RASTERS is empty; give at least one raster</source>
      <translation>RASTERS is empty; give at least one raster</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="139" />
      <source>Raster</source>
      <translation>Raster</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="89" />
      <source>Rasters</source>
      <translation>Rasters</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="75" />
      <source>Reference (mask raster or centerlines)</source>
      <translation>Reference (mask raster or centerlines)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="78" />
      <source>Relaxed tolerance rho (pixels)</source>
      <translation>Relaxed tolerance rho (pixels)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="59" />
      <source>Requirements file</source>
      <translation>Requirements file</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="275" />
      <source>Results</source>
      <translation>Results</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="108" />
      <source>Road centerlines</source>
      <translation>Road centerlines</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="64" />
      <source>Road extraction</source>
      <translation>Road extraction</translation>
    </message>
    <message>
      <location filename="../plugin/provider.py" line="31" />
      <source>Road extraction (PyTorch engine)</source>
      <translation>Road extraction (PyTorch engine)</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="88" />
      <source>Road extraction dock</source>
      <translation>Road extraction dock</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="40" />
      <source>Road extraction settings</source>
      <translation>Road extraction settings</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="76" />
      <source>Road extraction: first guess</source>
      <translation>Road extraction: first guess</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="125" />
      <source>Road extraction: first guess (cancelled)</source>
      <translation>Road extraction: first guess (cancelled)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_history.py" line="82" />
      <source>Road extraction: reading the rounds</source>
      <translation>Road extraction: reading the rounds</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="96" />
      <source>Road extraction: round {}</source>
      <translation>Road extraction: round {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="186" />
      <source>Road extraction: round {} (cancelled)</source>
      <translation>Road extraction: round {} (cancelled)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="54" />
      <source>Road labels</source>
      <translation>Road labels</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="89" />
      <source>Road labels (lines or polygons)</source>
      <translation>Road labels (lines or polygons)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="82" />
      <source>Road model</source>
      <translation>Road model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="237" />
      <source>Road model (*.pt)</source>
      <translation>Road model (*.pt)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="203" />
      <source>Road model training</source>
      <translation>Road model training</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="158" />
      <source>Road polygons</source>
      <translation>Road polygons</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="104" />
      <source>Road probability</source>
      <translation>Road probability</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="117" />
      <source>Road probability above which a pixel is road; empty = the threshold calibrated on the model's hold-out, stored in the model / the probability raster</source>
      <translation>Road probability above which a pixel is road; empty = the threshold calibrated on the model's hold-out, stored in the model / the probability raster</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/vectorize_probability.py" line="51" />
      <source>Road probability raster</source>
      <translation>Road probability raster</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="115" />
      <source>Road threshold</source>
      <translation>Road threshold</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="152" />
      <source>Road width</source>
      <translation>Road width</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="92" />
      <source>Road width (metres, for lines)</source>
      <translation>Road width (metres, for lines)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="98" />
      <source>Road width of each line in metres; overrides Road width</source>
      <translation>Road width of each line in metres; overrides Road width</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="106" />
      <source>Roads</source>
      <translation>Roads</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="28" />
      <source>Roads - round {}</source>
      <translation>Roads - round {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="128" />
      <source>Round {} ({} of {}): {}</source>
      <translation>Round {} ({} of {}): {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="455" />
      <source>Round {} did better on the hold-out and stays in use (on the map and for Extract).</source>
      <translation>Round {} did better on the hold-out and stays in use (on the map and for Extract).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="453" />
      <source>Round {} finished in {:.0f} s.</source>
      <translation>Round {} finished in {:.0f} s.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="130" />
      <source>Round {}: {}</source>
      <translation>Round {}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="194" />
      <source>Rounds</source>
      <translation>Rounds</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="119" />
      <source>Rounds (at most)</source>
      <translation>Rounds (at most)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="267" />
      <source>Run</source>
      <translation>Run</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="87" />
      <source>Scores (JSON)</source>
      <translation>Scores (JSON)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="58" />
      <source>Scores a road extraction against a reference. Prediction: a probability raster (cut at Road threshold; empty = the threshold calibrated on the model's hold-out, recorded in the probability raster), a 0/1 mask, or road vectors. Reference: a mask raster (1 road, 0 background, 255 not counted) or road centerlines. Gives pixel precision, recall, F1 and IoU; relaxed precision, recall and F1 within Rho pixels; completeness, correctness and quality of centerlines within Buffer metres; and APLS between the centerline graphs. Each score is also an output number (PRECISION, RECALL, ..., APLS) for models; undefined scores are empty.</source>
      <translation>Scores a road extraction against a reference. Prediction: a probability raster (cut at Road threshold; empty = the threshold calibrated on the model's hold-out, recorded in the probability raster), a 0/1 mask, or road vectors. Reference: a mask raster (1 road, 0 background, 255 not counted) or road centerlines. Gives pixel precision, recall, F1 and IoU; relaxed precision, recall and F1 within Rho pixels; completeness, correctness and quality of centerlines within Buffer metres; and APLS between the centerline graphs. Each score is also an output number (PRECISION, RECALL, ..., APLS) for models; undefined scores are empty.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/evaluate_extraction.py" line="85" />
      <source>Scores table</source>
      <translation>Scores table</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="242" />
      <source>Semi-supervised</source>
      <translation>Semi-supervised</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="240" />
      <source>Settings (*.json *.toml)</source>
      <translation>Settings (*.json *.toml)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="32" />
      <source>Settings file</source>
      <translation>Settings file</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="241" />
      <source>Settings file (JSON or TOML)</source>
      <translation>Settings file (JSON or TOML)</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="68" />
      <source>Settings…</source>
      <translation>Settings…</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="100" />
      <source>Test-time augmentation (TTA)</source>
      <translation>Test-time augmentation (TTA)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="104" />
      <source>The check failed: {}</source>
      <translation>The check failed: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="179" />
      <source>The engine failed: {} (the full report is in the log)</source>
      <translation>The engine failed: {} (the full report is in the log)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="177" />
      <source>The engine refused the input: {}</source>
      <translation>The engine refused the input: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="257" />
      <source>The engine's output {} has no valid layer {!r}</source>
      <translation>The engine's output {} has no valid layer {!r}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="346" />
      <source>The first guess cannot start: {}</source>
      <translation>The first guess cannot start: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="383" />
      <source>The first guess failed.</source>
      <translation>The first guess failed.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="384" />
      <source>The first guess failed: {}</source>
      <translation>The first guess failed: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="140" />
      <source>The labels and rounds are now in {}</source>
      <translation>The labels and rounds are now in {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_session.py" line="132" />
      <source>The labels are kept in {}. Move them, and the rounds trained on them, to {}?</source>
      <translation>The labels are kept in {}. Move them, and the rounds trained on them, to {}?</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="110" />
      <source>The plugin runs the engine with {}; choose {} in Plugins &gt; Road extraction &gt; Settings to use this environment.</source>
      <translation>The plugin runs the engine with {}; choose {} in Plugins &gt; Road extraction &gt; Settings to use this environment.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_location.py" line="26" />
      <source>The project is not saved, so they are kept in QGIS's profile folder; save the project to keep them beside it.</source>
      <translation>The project is not saved, so they are kept in QGIS's profile folder; save the project to keep them beside it.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_options.py" line="97" />
      <source>The remembered dock option {} ({!r}) is not valid here; the default is used.</source>
      <translation>The remembered dock option {} ({!r}) is not valid here; the default is used.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_options.py" line="185" />
      <source>The remembered file {} no longer exists; it is not restored.</source>
      <translation>The remembered file {} no longer exists; it is not restored.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="268" />
      <source>The round cannot start: {}</source>
      <translation>The round cannot start: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="438" />
      <source>The round failed.</source>
      <translation>The round failed.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="439" />
      <source>The round failed: {}</source>
      <translation>The round failed: {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="91" />
      <source>Tile (pixels)</source>
      <translation>Tile (pixels)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="262" />
      <source>Train one round</source>
      <translation>Train one round</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="61" />
      <source>Train road model</source>
      <translation>Train road model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="262" />
      <source>Train round</source>
      <translation>Train round</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="268" />
      <source>Train this many rounds, one after the other</source>
      <translation>Train this many rounds, one after the other</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="197" />
      <source>Training rasters</source>
      <translation>Training rasters</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="144" />
      <source>Training report</source>
      <translation>Training report</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="136" />
      <source>Training settings (JSON or TOML)</source>
      <translation>Training settings (JSON or TOML)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="64" />
      <source>Trains a road segmentation model (U-Net) on a few labeled roads, in rounds.&lt;br&gt;&lt;b&gt;Rasters&lt;/b&gt;: the labeled images (same bands). &lt;b&gt;Roads&lt;/b&gt;: centerlines (buffered by Road width in metres, or by the Width field) or road polygons. &lt;b&gt;Labeled area&lt;/b&gt;: inside it every pixel that is not road is background; &lt;b&gt;Background&lt;/b&gt; polygons are background too; everything else is unlabeled. &lt;br&gt;&lt;b&gt;Learn from unlabeled images (semi-supervised)&lt;/b&gt;, an advanced option, also trains on the unlabeled imagery (the Unlabeled rasters and the unlabeled parts of the labeled ones): from round 2, pseudo-labels of its most consistent tiles, trained on beside the labels. It is off by default: in the project's benchmark its gain was within the spread (see the README). &lt;b&gt;Unlabeled rasters&lt;/b&gt; are trained on only with it; without it they only count in the band statistics that normalise the images, and the log warns that they are not trained on.&lt;br&gt;The model keeps the best round (validation IoU on a held-out part of the labeled area); the report lists the scores of every round. Profile 'fast' suits a CPU, 'full' a GPU. Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. Config (advanced) is a JSON or TOML file of training settings; Initial model fine-tunes an existing model, Fine-tune the bundled base model (advanced) the plugin's base model of the rasters' band count.</source>
      <translation>Trains a road segmentation model (U-Net) on a few labeled roads, in rounds.&lt;br&gt;&lt;b&gt;Rasters&lt;/b&gt;: the labeled images (same bands). &lt;b&gt;Roads&lt;/b&gt;: centerlines (buffered by Road width in metres, or by the Width field) or road polygons. &lt;b&gt;Labeled area&lt;/b&gt;: inside it every pixel that is not road is background; &lt;b&gt;Background&lt;/b&gt; polygons are background too; everything else is unlabeled. &lt;br&gt;&lt;b&gt;Learn from unlabeled images (semi-supervised)&lt;/b&gt;, an advanced option, also trains on the unlabeled imagery (the Unlabeled rasters and the unlabeled parts of the labeled ones): from round 2, pseudo-labels of its most consistent tiles, trained on beside the labels. It is off by default: in the project's benchmark its gain was within the spread (see the README). &lt;b&gt;Unlabeled rasters&lt;/b&gt; are trained on only with it; without it they only count in the band statistics that normalise the images, and the log warns that they are not trained on.&lt;br&gt;The model keeps the best round (validation IoU on a held-out part of the labeled area); the report lists the scores of every round. Profile 'fast' suits a CPU, 'full' a GPU. Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. Config (advanced) is a JSON or TOML file of training settings; Initial model fine-tunes an existing model, Fine-tune the bundled base model (advanced) the plugin's base model of the rasters' band count.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/vectorize_probability.py" line="41" />
      <source>Turns a road probability raster (as written by Extract roads: Byte 0-254 with 255 as nodata, or Float32 0-1) into road polygons (threshold, small objects and holes removed, simplified) and road centerlines (skeleton graph, short spurs pruned, gaps joined, simplified; fields length_m, start_degree, end_degree). Lengths and areas are in metres. Road threshold: empty = the threshold calibrated on the model's hold-out, recorded in the probability raster.</source>
      <translation>Turns a road probability raster (as written by Extract roads: Byte 0-254 with 255 as nodata, or Float32 0-1) into road polygons (threshold, small objects and holes removed, simplified) and road centerlines (skeleton graph, short spurs pruned, gaps joined, simplified; fields length_m, start_degree, end_degree). Lengths and areas are in metres. Road threshold: empty = the threshold calibrated on the model's hold-out, recorded in the probability raster.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="107" />
      <source>Unlabeled rasters</source>
      <translation>Unlabeled rasters</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="257" />
      <source>Unlabeled rasters (predicted and learned from)</source>
      <translation>Unlabeled rasters (predicted and learned from)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="258" />
      <source>Unlabeled rasters (predicted only; to learn from them, see Advanced)</source>
      <translation>Unlabeled rasters (predicted only; to learn from them, see Advanced)</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/extract_roads.py" line="84" />
      <source>Use the bundled base model</source>
      <translation>Use the bundled base model</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="105" />
      <source>Using round {} (best hold-out IoU {:.3f}).</source>
      <translation>Using round {} (best hold-out IoU {:.3f}).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="108" />
      <source>Using round {} (best hold-out IoU {:.3f}); round {} scored {:.3f}.</source>
      <translation>Using round {} (best hold-out IoU {:.3f}); round {} scored {:.3f}.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="106" />
      <source>Using round {} (best on the hold-out).</source>
      <translation>Using round {} (best on the hold-out).</translation>
    </message>
    <message>
      <location filename="../plugin/dock/run_results.py" line="110" />
      <source>Using round {} (best on the hold-out); round {} did worse.</source>
      <translation>Using round {} (best on the hold-out); round {} did worse.</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_ui.py" line="278" />
      <source>Validation scores per round</source>
      <translation>Validation scores per round</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/vectorize_probability.py" line="38" />
      <source>Vectorize road probability</source>
      <translation>Vectorize road probability</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="307" />
      <source>Wait until the running round or first guess ends (or cancel it).</source>
      <translation>Wait until the running round or first guess ends (or cancel it).</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="56" />
      <source>Where the environment goes; empty = the plugin's own, in the QGIS profile folder</source>
      <translation>Where the environment goes; empty = the plugin's own, in the QGIS profile folder</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="64" />
      <source>Where to label next</source>
      <translation>Where to label next</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="458" />
      <source>Where to label next: no tile of {} px is less than 10 % labeled, so there is nothing to suggest; label next wherever the predicted roads are wrong.</source>
      <translation>Where to label next: no tile of {} px is less than 10 % labeled, so there is nothing to suggest; label next wherever the predicted roads are wrong.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/train_model.py" line="95" />
      <source>Width field (metres)</source>
      <translation>Width field (metres)</translation>
    </message>
    <message>
      <location filename="../plugin/settings_dialog.py" line="61" />
      <source>Working folder</source>
      <translation>Working folder</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="294" />
      <source>about {} s left</source>
      <translation>about {} s left</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="107" />
      <source>auto, cpu, cuda or cuda:N; empty = the device of the plugin settings</source>
      <translation>auto, cpu, cuda or cuda:N; empty = the device of the plugin settings</translation>
    </message>
    <message>
      <location filename="../plugin/dock/metrics_plot.py" line="130" />
      <source>best</source>
      <translation>best</translation>
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
      <translation>labeled areas</translation>
    </message>
    <message>
      <location filename="../plugin/dock/dock_widget.py" line="292" />
      <source>loss {:.3f}</source>
      <translation>loss {:.3f}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="61" />
      <source>pip requirements; empty = the plugin's pinned set</source>
      <translation>pip requirements; empty = the plugin's pinned set</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="92" />
      <source>predicting {}</source>
      <translation>predicting {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="120" />
      <source>predicting {} ({}/{})</source>
      <translation>predicting {} ({}/{})</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="123" />
      <source>pseudo-labels</source>
      <translation>pseudo-labels</translation>
    </message>
    <message>
      <location filename="../plugin/dock/scores.py" line="16" />
      <source>relaxed F1</source>
      <translation>relaxed F1</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="129" />
      <source>road centerlines</source>
      <translation>road centerlines</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_layers.py" line="129" />
      <source>road polygons</source>
      <translation>road polygons</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="93" />
      <source>roads and centerlines</source>
      <translation>roads and centerlines</translation>
    </message>
    <message>
      <location filename="../plugin/dock/first_guess.py" line="91" />
      <source>starting the engine</source>
      <translation>starting the engine</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="30" />
      <source>the labeled areas</source>
      <translation>the labeled areas</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="25" />
      <source>the number of rounds</source>
      <translation>the number of rounds</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="29" />
      <source>the road labels</source>
      <translation>the road labels</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="124" />
      <source>training</source>
      <translation>training</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="124" />
      <source>validation</source>
      <translation>validation</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_task.py" line="125" />
      <source>where to label next</source>
      <translation>where to label next</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="21" />
      <source>{} (Advanced)</source>
      <translation>{} (Advanced)</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="43" />
      <source>{} - first guess</source>
      <translation>{} - first guess</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="38" />
      <source>{} - round {}</source>
      <translation>{} - round {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/round_layers.py" line="39" />
      <source>{} - round {} - {}</source>
      <translation>{} - round {} - {}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/install_engine.py" line="87" />
      <source>{} failed with exit status {}:
{}</source>
      <translation>{} failed with exit status {}:
{}</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="245" />
      <source>{} is not a layer QGIS can open</source>
      <translation>{} is not a layer QGIS can open</translation>
    </message>
    <message>
      <location filename="../plugin/dock/label_counts.py" line="93" />
      <source>{} label feature(s) lie outside the raster: move or delete them.</source>
      <translation>{} label feature(s) lie outside the raster: move or delete them.</translation>
    </message>
    <message>
      <location filename="../plugin/algorithms/base.py" line="224" />
      <source>{}: {}</source>
      <translation>{}: {}</translation>
    </message>
    <message>
      <location filename="../plugin/dock/engine_words.py" line="20" />
      <source>“{}”</source>
      <translation>“{}”</translation>
    </message>
  </context>
</TS>
