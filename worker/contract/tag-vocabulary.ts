// The default tag vocabulary: everyday concepts a CLIP-class model tells apart well, short enough to keep
// zero-shot tagging cheap (one text embedding per label, computed once per tab). A library edits its own
// copy in the `analysis.tags` setting. The colour words come first: the generated test models answer them.
export const DEFAULT_TAG_VOCABULARY: readonly string[] = [
  // colours
  'red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black', 'pink', 'brown', 'grey', 'gold',
  // people
  'person', 'people', 'face', 'portrait', 'selfie', 'group photo', 'crowd', 'baby', 'child', 'children', 'teenager',
  'man', 'woman', 'elderly person', 'family', 'couple', 'friends', 'wedding', 'bride', 'groom', 'birthday',
  'party', 'graduation', 'concert', 'festival', 'parade', 'dancing', 'smiling', 'hug',
  // animals
  'dog', 'puppy', 'cat', 'kitten', 'bird', 'horse', 'cow', 'sheep', 'goat', 'pig', 'chicken', 'duck', 'fish',
  'rabbit', 'hamster', 'turtle', 'butterfly', 'bee', 'insect', 'spider', 'snake', 'lizard', 'frog', 'deer',
  'bear', 'fox', 'wolf', 'squirrel', 'elephant', 'giraffe', 'zebra', 'lion', 'tiger', 'monkey', 'dolphin',
  'whale', 'seal', 'penguin', 'swan', 'owl', 'eagle', 'parrot', 'pigeon', 'seagull', 'zoo', 'aquarium',
  // nature and landscape
  'landscape', 'mountain', 'hill', 'valley', 'forest', 'tree', 'trees', 'flower', 'flowers', 'rose', 'tulip',
  'sunflower', 'garden', 'park', 'grass', 'field', 'meadow', 'farm', 'vineyard', 'desert', 'canyon', 'cliff',
  'cave', 'rock', 'volcano', 'glacier', 'iceberg', 'lake', 'river', 'stream', 'waterfall', 'pond', 'sea',
  'ocean', 'beach', 'coast', 'island', 'wave', 'sand', 'dune', 'sky', 'cloud', 'clouds', 'sunset', 'sunrise',
  'sun', 'moon', 'stars', 'night sky', 'rainbow', 'rain', 'storm', 'lightning', 'fog', 'snow', 'ice', 'frost',
  'autumn leaves', 'spring', 'summer', 'winter', 'leaf', 'moss', 'mushroom', 'cactus', 'palm tree',
  // places and buildings
  'city', 'skyline', 'street', 'road', 'highway', 'bridge', 'tunnel', 'building', 'skyscraper', 'house',
  'apartment', 'church', 'cathedral', 'temple', 'mosque', 'castle', 'palace', 'tower', 'lighthouse',
  'monument', 'statue', 'fountain', 'museum', 'library', 'school', 'university', 'hospital', 'office',
  'factory', 'shop', 'market', 'supermarket', 'restaurant', 'cafe', 'bar', 'hotel', 'stadium', 'playground',
  'swimming pool', 'harbour', 'port', 'airport', 'train station', 'village', 'countryside', 'ruins',
  'architecture', 'interior', 'room', 'living room', 'bedroom', 'kitchen', 'bathroom', 'garage', 'stairs',
  'window', 'door', 'balcony', 'roof', 'wall', 'graffiti', 'sign', 'neon lights', 'night', 'indoor', 'outdoor',
  // transport
  'car', 'truck', 'bus', 'train', 'tram', 'subway', 'bicycle', 'motorcycle', 'scooter', 'boat', 'sailboat',
  'ship', 'ferry', 'kayak', 'airplane', 'helicopter', 'hot air balloon', 'tractor', 'taxi', 'traffic',
  // food and drink
  'food', 'meal', 'breakfast', 'lunch', 'dinner', 'pizza', 'pasta', 'burger', 'sandwich', 'salad', 'soup',
  'sushi', 'noodles', 'rice', 'bread', 'cheese', 'meat', 'steak', 'barbecue', 'seafood', 'fruit', 'apple',
  'banana', 'strawberry', 'grapes', 'lemon', 'vegetables', 'tomato', 'cake', 'dessert', 'ice cream',
  'chocolate', 'cookies', 'coffee', 'tea', 'wine', 'beer', 'cocktail', 'juice', 'water bottle',
  // objects and home
  'table', 'chair', 'sofa', 'bed', 'lamp', 'candle', 'clock', 'mirror', 'book', 'books', 'newspaper',
  'computer', 'laptop', 'phone', 'screen', 'television', 'camera', 'keyboard', 'headphones', 'guitar',
  'piano', 'drums', 'violin', 'painting', 'drawing', 'poster', 'photograph', 'toy', 'teddy bear', 'balloon',
  'gift', 'christmas tree', 'decoration', 'fireworks', 'flag', 'umbrella', 'bag', 'backpack', 'suitcase',
  'hat', 'glasses', 'sunglasses', 'shoes', 'dress', 'suit', 'uniform', 'costume', 'jewellery', 'watch', 'plant',
  'vase', 'bottle', 'cup', 'plate', 'knife', 'tools', 'bicycle helmet', 'tent', 'campfire', 'fire',
  // activities and sport
  'sport', 'football', 'soccer', 'basketball', 'tennis', 'golf', 'baseball', 'running', 'cycling',
  'swimming', 'surfing', 'skiing', 'snowboarding', 'skateboarding', 'climbing', 'hiking', 'camping',
  'fishing', 'yoga', 'gym', 'boxing', 'horse riding', 'sailing', 'diving', 'travel', 'vacation', 'picnic',
  'cooking', 'reading', 'working', 'studying', 'shopping', 'gaming', 'music', 'performance', 'theatre',
  // kinds of picture
  'screenshot', 'document', 'receipt', 'text', 'handwriting', 'map', 'diagram', 'chart', 'whiteboard',
  'qr code', 'ticket', 'menu', 'logo', 'illustration', 'cartoon', 'meme', 'close-up', 'macro', 'aerial view',
  'panorama', 'black and white', 'silhouette', 'reflection', 'shadow', 'blurry', 'long exposure', 'bokeh',
];
